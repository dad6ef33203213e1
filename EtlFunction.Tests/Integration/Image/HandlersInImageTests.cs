using EtlFunction.Tests.Integration.Lambda;

namespace EtlFunction.Tests.Integration.Image;

/// <summary>
/// Every handler in the container image (ETL_TEST_IMAGE) through its own entrypoint under the Runtime API
/// emulator: the tests and assertions of <see cref="HandlerTestsBase"/>, each event answered by a
/// container (<c>docker run --network host IMAGE HANDLER</c>) that reads s3rver and MariaDB on loopback and its
/// contracts from /var/task/contracts (no host path is passed in).
/// </summary>
[NonParallelizable]
public sealed class HandlersInImageTests() : HandlerTestsBase(FunctionForm.Image);
