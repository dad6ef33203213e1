namespace EtlFunction.Tests.Integration.Lambda;

/// <summary>
/// Every handler of the published binary on a real event against the S3 emulator and MariaDB (the tests of
/// <see cref="HandlerTestsBase"/>); quicker to debug than the same tests in the image (Image/HandlersInImageTests).
/// </summary>
[NonParallelizable]
public sealed class PublishedBinaryHandlerTests() : HandlerTestsBase(FunctionForm.PublishedBinary);
