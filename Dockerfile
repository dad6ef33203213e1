# One image, eight handlers: each Lambda function's ImageConfig.Command in template.yaml picks its handler
# (plan, preprocess, piece, merge, load, archive, finalize, quarantine); the same binary is the CLI.
#   docker build -t etl-function .
#   arm64: docker build --build-arg RID=linux-arm64 --platform linux/arm64 -t etl-function .
# The two bases are the real ones by default. Where no registry can be reached, build arguments point at
# local stand-ins (scripts/docker.sh builds them and this file on top: `scripts/docker.sh image`).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG BASE_IMAGE=public.ecr.aws/lambda/provided:al2023

FROM ${SDK_IMAGE} AS build
ARG RID=linux-x64
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY EtlFunction/EtlFunction.csproj EtlFunction/
# Restore with the same RID and ReadyToRun setting as the publish: ReadyToRun needs the crossgen and
# runtime packs in the restore graph, and `publish --no-restore` after a restore without them fails with
# NETSDK1094 on a clean package cache (every `docker build --no-cache` has one).
RUN dotnet restore EtlFunction/EtlFunction.csproj -r ${RID} -p:PublishReadyToRun=true
COPY EtlFunction/ EtlFunction/
RUN dotnet publish EtlFunction/EtlFunction.csproj -c Release -r ${RID} --self-contained true \
      -p:PublishReadyToRun=true -p:DebugType=none --no-restore -o /out

FROM ${BASE_IMAGE}
# The self-contained app (runtime included, ReadyToRun compiled) and the dataset contracts.
COPY --from=build /out/ /var/task/
COPY contracts/ /var/task/contracts/
# The base image's entrypoint (/lambda-entrypoint.sh) exports _HANDLER from its one argument, the command,
# and runs /var/runtime/bootstrap; ours is the executable itself, which serves the Runtime API when
# AWS_LAMBDA_RUNTIME_API is set.
RUN ln -sf /var/task/EtlFunction /var/runtime/bootstrap
CMD ["preprocess"]
