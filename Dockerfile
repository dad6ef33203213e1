# One image, eight handlers: each Lambda function's ImageConfig.Command in template.yaml picks its handler
# (plan, preprocess, piece, merge, load, archive, finalize, quarantine); the same binary is the CLI.
#   docker build -t etl-function .                                   the Native AOT binary (default)
#   docker build --build-arg BUILD=readytorun -t etl-function .      the self-contained ReadyToRun app instead
#   arm64: docker build --build-arg RID=linux-arm64 --platform linux/arm64 -t etl-function .
# The two bases are the real ones by default. Where no registry can be reached, build arguments point at
# local stand-ins (scripts/docker.sh builds them and this file on top: `scripts/docker.sh image`).
#
# BUILD=aot (default): one native executable (`-p:EtlAot=true`, see EtlFunction.csproj) plus ParquetSharp's and
# SQLite's native libraries: no JIT, no runtime files. Cold start of the binary a quarter to a third of
# ReadyToRun's, of the whole container about half (the container's own start stays); app layer 46 MB, not 128 MB
# (README, "Native AOT build"). ILC links it with clang/lld against the build stage's
# C library, so this stage installs clang, lld and zlib1g-dev (apt: the real SDK image is Ubuntu 24.04, the
# stand-in Debian 12), and the compile takes minutes, not seconds.
# BUILD=readytorun: the self-contained ReadyToRun app (runtime included, JIT for what ReadyToRun leaves out).
#
# glibc: the image runs on Amazon Linux 2023 (glibc 2.34, libstdc++ of GCC 11), but the AOT binary is linked in
# this stage, whose glibc is newer (Ubuntu 24.04: 2.39; the stand-in: 2.36). A binary asks for each libc symbol
# at the version it was linked against, and the loader refuses to start it on an older glibc ("version
# `GLIBC_2.3x' not found"): that, not the distribution's name, is the constraint AWS's "compile on AL2023"
# advice is about. scripts/docker/check-glibc.sh reads the symbol versions every shipped ELF file needs
# (objdump -p) and fails this build if any is above GLIBC_2.34 / GLIBCXX_3.4.29 / CXXABI_1.3.13; what it found
# is in the build log. If a newer SDK image ever makes it fail, build on an AL2023-based SDK image
# (--build-arg SDK_IMAGE=...; then install the packages with dnf) instead of shipping a binary that cannot start.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG BASE_IMAGE=public.ecr.aws/lambda/provided:al2023

FROM ${SDK_IMAGE} AS build
ARG RID=linux-x64
ARG BUILD=aot
# The native toolchain ILC links with (aot), and binutils' objdump for the glibc check (both builds).
RUN case "${BUILD}" in aot) packages="clang lld zlib1g-dev binutils" ;; readytorun) packages="binutils" ;; \
      *) echo "BUILD must be aot or readytorun, not '${BUILD}'" >&2; exit 1 ;; esac \
    && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages} \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY EtlFunction/EtlFunction.csproj EtlFunction/
# Restore with the same RID and build properties as the publish: AOT needs the ILCompiler packs and ReadyToRun
# the crossgen and runtime packs in the restore graph, and `publish --no-restore` after a restore without them
# fails (NETSDK1094) on a clean package cache (every `docker build --no-cache` has one).
RUN if [ "${BUILD}" = aot ]; then form=-p:EtlAot=true; else form=-p:PublishReadyToRun=true; fi \
    && dotnet restore EtlFunction/EtlFunction.csproj -r ${RID} ${form}
COPY EtlFunction/ EtlFunction/
RUN if [ "${BUILD}" = aot ]; then form=-p:EtlAot=true; else form=-p:PublishReadyToRun=true; fi \
    && dotnet publish EtlFunction/EtlFunction.csproj -c Release -r ${RID} --self-contained true \
      ${form} -p:DebugType=none --no-restore -o /out
COPY scripts/docker/check-glibc.sh /usr/local/bin/check-glibc.sh
RUN sh /usr/local/bin/check-glibc.sh /out

FROM ${BASE_IMAGE}
ARG BUILD=aot
# Which build the image holds (aot or readytorun): scripts/test.sh reads it to test the binary it ships.
LABEL etl.build="${BUILD}"
# The app (the AOT executable and its two native libraries, or the self-contained ReadyToRun folder) and the
# dataset contracts.
COPY --from=build /out/ /var/task/
COPY contracts/ /var/task/contracts/
# The base image's entrypoint (/lambda-entrypoint.sh) exports _HANDLER from its one argument, the command,
# and runs /var/runtime/bootstrap; ours is the executable itself, which serves the Runtime API when
# AWS_LAMBDA_RUNTIME_API is set.
RUN ln -sf /var/task/EtlFunction /var/runtime/bootstrap
CMD ["preprocess"]
