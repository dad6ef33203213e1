# One image, five handlers: the Lambda function's ImageConfig.Command picks the handler
# (preprocess, load, archive, finalize, quarantine). Build: docker build -t etl-function .
# arm64: docker build --build-arg RID=linux-arm64 --platform linux/arm64 -t etl-function .
ARG RID=linux-x64

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG RID
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY EtlFunction/EtlFunction.csproj EtlFunction/
RUN dotnet restore EtlFunction/EtlFunction.csproj -r ${RID}
COPY EtlFunction/ EtlFunction/
RUN dotnet publish EtlFunction/EtlFunction.csproj -c Release -r ${RID} --self-contained true \
      -p:PublishReadyToRun=true -p:DebugType=none --no-restore -o /out

FROM public.ecr.aws/lambda/provided:al2023
# The self-contained app (runtime included, ReadyToRun compiled) and the dataset contracts.
COPY --from=build /out/ /var/task/
COPY contracts/ /var/task/contracts/
# The base image's entrypoint starts /var/runtime/bootstrap with _HANDLER set from the command
# (ImageConfig.Command in template.yaml); ours is the executable itself, which serves the Runtime API
# when AWS_LAMBDA_RUNTIME_API is set. The app layer is ~118 MB (45 MB compressed) over the base image.
RUN ln -sf /var/task/EtlFunction /var/runtime/bootstrap
CMD ["preprocess"]
