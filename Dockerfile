# syntax=docker/dockerfile:1

# Build stage: the official Swift image, release mode, the Swift standard library
# (and FoundationEssentials) linked statically, so the binary needs only the C/C++
# runtime of the builder's own distribution and libyaml.
FROM swift:6.3.1-noble AS builder

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# libyaml, which YAMLReader links, from the same distribution the runtime stage
# copies its shared library from (so not pinned to a version of its own).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libyaml-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Tests/ too: SwiftPM refuses a manifest whose test targets have no directory.
COPY Package.swift ./
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY Tests ./Tests
COPY image ./image

# The cache mount keeps .build between image builds; the binary is copied out of
# it because a cache mount is not part of the layer. image/build holds the flags
# and why (static Swift runtime, lld with packed relocations, the code layout,
# stripping, the stripped backtracer); the benchmarks measure what it builds. The binary is stripped; its
# function symbols go beside the backtracer's search path (/usr/lib/debug/<dir>),
# so a crash still prints function names (docs/operating.md, "Crashes").
RUN --mount=type=cache,target=/src/.build \
    binary="$(image/build --scratch-path .build | tail -n 1)" \
    && install -D -m 0755 "$binary" /staging/usr/local/bin/eni-config-agent \
    && install -D -m 0644 "$binary.debug" /staging/usr/lib/debug/usr/local/bin/eni-config-agent.debug \
    && install -D -m 0755 "$(dirname "$binary")/swift-backtrace-static" \
        /staging/usr/local/bin/swift-backtrace-static

# The runtime image is `scratch` plus exactly the shared libraries the binaries
# link, as `ldd` lists them (libc, libm, libstdc++, libgcc_s, libz, libyaml and the
# loader with a static Swift stdlib; whatever else a dependency pulls in shows up
# here too).
# libgcc_s is also dlopen()ed by glibc for thread cancellation, which ldd would
# not show; it is listed anyway because libstdc++ links it.
# The check at the end runs the staged loader inside the staged root: it exits
# 127 if any library the agent needs is missing from the image.
RUN for exe in /staging/usr/local/bin/*; do ldd "$exe"; done \
        | tee /dev/stderr \
        | grep -o '/[^ ]*' | sort -u \
        | xargs -r cp --parents --dereference -t /staging \
    && grep -q 'libgcc_s\.so\.1' <(ldd /staging/usr/local/bin/eni-config-agent) \
    && loader="$(ldd /staging/usr/local/bin/eni-config-agent | awk '$1 ~ /^\// { print $1 }')" \
    && chroot /staging "$loader" --list /usr/local/bin/eni-config-agent

# Runtime stage: no shell, no package manager, no libraries beyond the above.
FROM scratch

COPY --from=builder /staging /

# A crash prints a symbolicated backtrace to the log instead of a bare signal.
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace-static

# Non-root by default, so `validate`, `render --stdout` and `diff` run unprivileged.
# The DaemonSet sets runAsUser: 0 for `run` (it writes the root-owned
# /etc/cni/net.d) and drops every capability; see docs/operating.md.
USER 65532:65532

ENTRYPOINT ["/usr/local/bin/eni-config-agent"]
