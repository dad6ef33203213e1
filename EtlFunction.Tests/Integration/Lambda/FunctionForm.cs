using EtlFunction.Tests.Integration.Image;

namespace EtlFunction.Tests.Integration.Lambda;

/// <summary>
/// What the Runtime API emulator starts as the function: the published binary (a publish folder whose
/// <c>bootstrap</c> execs <c>EtlFunction</c>), or the container image (a folder whose <c>bootstrap</c> runs
/// <c>docker run IMAGE HANDLER</c>). Tests that take a form run the same events and the same assertions on both.
/// </summary>
public enum FunctionForm
{
    PublishedBinary,
    Image,
}

internal static class FunctionForms
{
    /// <summary>The folder with <c>bootstrap</c> for invoke.cjs / run.cjs (<c>--dir</c>).</summary>
    public static Task<string> DirAsync(this FunctionForm form) => form switch
    {
        FunctionForm.PublishedBinary => LambdaEmulator.PublishDirAsync(),
        FunctionForm.Image => ImageUnderTest.FunctionDirAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    /// <summary>
    /// The function's variables: <paramref name="variables"/>, plus for the published binary <c>ETL_CONTRACTS</c>
    /// (the checkout's contracts/: a publish folder has none). The image gets no host path: its contracts are its
    /// own copy, <see cref="ImageUnderTest.ContractsFolder"/>, which the binary finds beside itself by default.
    /// </summary>
    public static Dictionary<string, string> Variables(this FunctionForm form, IReadOnlyDictionary<string, string> variables)
    {
        var all = new Dictionary<string, string>(variables);
        if (form == FunctionForm.PublishedBinary) all["ETL_CONTRACTS"] = RepoPaths.Contracts;
        return all;
    }

    /// <summary>The contracts folder the function must report using (its log names the contract file it loaded).</summary>
    public static string ContractsFolder(this FunctionForm form) =>
        form == FunctionForm.PublishedBinary ? RepoPaths.Contracts : ImageUnderTest.ContractsFolder;
}
