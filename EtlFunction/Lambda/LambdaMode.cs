using EtlFunction.Configuration;
using EtlFunction.Steps;

namespace EtlFunction.Lambda;

/// <summary>
/// Lambda mode of the one binary: chosen when <c>AWS_LAMBDA_RUNTIME_API</c> is set. Resolves the
/// handler (<c>_HANDLER</c>, i.e. the image <c>Command</c>, else the first argument), reports an unknown
/// one through <c>runtime/init/error</c> and exits non-zero, otherwise serves the Runtime API loop.
/// </summary>
public static class LambdaMode
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Exit code for a handler name that is not a step (Lambda has already been told through init/error).</summary>
    public const int UnknownHandlerExit = 2;

    /// <summary>Exit code when the Runtime API itself fails (the sandbox is going away).</summary>
    public const int RuntimeApiFailedExit = 1;

    public static bool IsActive(Func<string, string?> env) => !string.IsNullOrWhiteSpace(env(RuntimeApiVariable));

    /// <remarks>
    /// <c>contexts</c> builds the per-invocation context factory from the logger (so step messages carry the
    /// request id); default <see cref="LocalContexts"/>. This is where the S3/MySQL context plugs in.
    /// </remarks>
    public static async Task<int> RunAsync(string[] args, Func<string, string?> env, TextWriter stdout, CancellationToken ct,
        Func<JsonLogger, Func<StepContext>>? contexts = null, LambdaHostOptions? options = null)
    {
        var log = new JsonLogger(stdout);
        var api = env(RuntimeApiVariable);
        if (string.IsNullOrWhiteSpace(api)) throw new InvalidOperationException($"{RuntimeApiVariable} is not set: not running under Lambda");
        using var client = new RuntimeApiClient(api);

        var requested = env("_HANDLER") is { Length: > 0 } h ? h : args.FirstOrDefault();
        var handler = ResolveHandler(requested);
        if (handler is null)
        {
            var report = new ErrorReport(ErrorReport.HandlerNotFound,
                $"unknown handler '{requested}': set _HANDLER (the image Command) or the first argument to one of {string.Join(", ", StepRegistry.Names)}", []);
            log.Error("init failed", ("errorType", report.ErrorType), ("errorMessage", report.ErrorMessage));
            try
            {
                await client.PostInitErrorAsync(report, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                log.Error("could not report the init error to the Runtime API", ("error", e.Message));
            }
            return UnknownHandlerExit;
        }

        log.Step = handler;
        var factory = (contexts ?? (l => LocalContexts(env, l)))(log);
        log.Info("ready", ("runtimeApi", api), ("functionName", env("AWS_LAMBDA_FUNCTION_NAME")));
        var host = new LambdaHost(client, handler, factory, log, options);
        try
        {
            await host.RunAsync(ct).ConfigureAwait(false);
            return 0;
        }
        catch (HttpRequestException e)
        {
            log.Error("the Runtime API failed; exiting", ("error", e.Message));
            return RuntimeApiFailedExit;
        }
    }

    /// <summary>The step a handler name denotes (case-insensitive), or null when it is none of <see cref="StepRegistry.Names"/>.</summary>
    public static string? ResolveHandler(string? requested) => StepRegistry.Find(requested)?.Name;

    /// <summary>
    /// The local context from environment variables: <c>ETL_STORE</c> (a folder as the three buckets;
    /// default <c>$TMPDIR/etl</c>, because only <c>/tmp</c> is writable in Lambda), <c>ETL_DB</c> (SQLite file;
    /// default <c>&lt;store&gt;/etl.db</c>) and <c>ETL_CONTRACTS</c> (a contracts folder; default <c>./contracts</c>
    /// then <c>contracts/</c> beside the binary).
    /// </summary>
    public static Func<StepContext> LocalContexts(Func<string, string?> env, JsonLogger log)
    {
        var settings = PipelineSettings.FromEnvironment(env);
        return () => settings.CreateContext(log.StepMessage);
    }
}
