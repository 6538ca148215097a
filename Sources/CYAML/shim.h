// libyaml, the C YAML parser most YAML libraries are built on (Debian: libyaml-dev).
#include <yaml.h>
