// The declaration is all this module offers; libFuzzer itself comes with -sanitize=fuzzer.
#include "CLibFuzzer.h"
