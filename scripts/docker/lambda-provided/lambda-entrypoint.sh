#!/bin/sh
# The documented /lambda-entrypoint.sh of public.ecr.aws/lambda/provided:al2023, reproduced for the
# stand-in base (see the Dockerfile beside this file).
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
RUNTIME_ENTRYPOINT=/var/runtime/bootstrap
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  if [ -x /usr/local/bin/aws-lambda-rie ]; then
    exec /usr/local/bin/aws-lambda-rie "$RUNTIME_ENTRYPOINT"
  fi
  echo "stand-in base: AWS_LAMBDA_RUNTIME_API is not set and aws-lambda-rie is not in this image" 1>&2
  exit 142
fi
exec "$RUNTIME_ENTRYPOINT"
