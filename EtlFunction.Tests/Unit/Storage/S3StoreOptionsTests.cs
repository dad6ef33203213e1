using EtlFunction.Errors;
using EtlFunction.Storage;

namespace EtlFunction.Tests.Unit.Storage;

public class S3StoreOptionsTests
{
    private static S3StoreOptions From(params (string Name, string Value)[] vars)
    {
        var env = vars.ToDictionary(v => v.Name, v => v.Value);
        return S3StoreOptions.FromEnvironment(n => env.GetValueOrDefault(n));
    }

    [Test]
    public void Defaults_AreAwsWithSdkBehaviour()
    {
        var o = From();
        Assert.That((o.ServiceUrl, o.Region, o.Compatibility, o.ServerSideEncryption, o.KmsKeyId, o.AccessKey),
            Is.EqualTo(((Uri?)null, (string?)null, S3Compatibility.Standard, (string?)null, (string?)null, (string?)null)));
        Assert.That(o.PartSize, Is.EqualTo(5 << 20));
    }

    [Test]
    public void StandardAwsVariables_AreRead()
    {
        var o = From(("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4569"), ("AWS_ENDPOINT_URL", "http://ignored:1"), ("AWS_REGION", "eu-west-1"));
        Assert.That((o.ServiceUrl, o.Region), Is.EqualTo((new Uri("http://127.0.0.1:4569"), "eu-west-1")));
        Assert.That(From(("AWS_ENDPOINT_URL", "http://x:1"), ("AWS_DEFAULT_REGION", "us-west-2")).ServiceUrl, Is.EqualTo(new Uri("http://x:1")));
    }

    [TestCase("plain", S3Compatibility.Plain)]
    [TestCase("PLAIN", S3Compatibility.Plain)]
    [TestCase("standard", S3Compatibility.Standard)]
    [TestCase("", S3Compatibility.Standard)]
    public void Compat_IsParsed(string value, S3Compatibility expected) =>
        Assert.That(From(("ETL_S3_COMPAT", value)).Compatibility, Is.EqualTo(expected));

    [Test]
    public void Sse_IsParsed()
    {
        Assert.That(From(("ETL_S3_SSE", "AES256")).ServerSideEncryption, Is.EqualTo("AES256"));
        var kms = From(("ETL_S3_SSE", "aws:kms"), ("ETL_S3_SSE_KMS_KEY_ID", "arn:aws:kms:eu-west-1:1:key/k"));
        Assert.That((kms.ServerSideEncryption, kms.KmsKeyId), Is.EqualTo(("aws:kms", "arn:aws:kms:eu-west-1:1:key/k")));
    }

    [TestCase("ETL_S3_COMPAT", "chunked", "ETL_S3_COMPAT")]
    [TestCase("ETL_S3_SSE", "des", "ETL_S3_SSE")]
    [TestCase("ETL_S3_SSE_KMS_KEY_ID", "k", "ETL_S3_SSE=aws:kms")]
    [TestCase("AWS_ENDPOINT_URL_S3", "not a url", "AWS_ENDPOINT_URL_S3")]
    public void BadSettings_AreInvalidInputNamingTheSetting(string name, string value, string mentioned)
    {
        var e = Assert.Throws<EtlException>(() => From((name, value)));
        Assert.That(e!.Type, Is.EqualTo(ErrorType.InvalidInput));
        Assert.That(e.Message, Does.Contain(mentioned));
    }

    [Test]
    public void ClientFactory_CustomEndpoint_IsPathStyleAndSignsForTheRegion()
    {
        using var custom = S3ClientFactory.Create(new S3StoreOptions { ServiceUrl = new Uri("http://127.0.0.1:9000"), Region = "eu-west-1", AccessKey = "a", SecretKey = "s" });
        var c = (Amazon.S3.AmazonS3Config)custom.Config;
        Assert.That((c.ForcePathStyle, c.AuthenticationRegion, c.ServiceURL), Is.EqualTo((true, "eu-west-1", "http://127.0.0.1:9000/")));
        Assert.That((c.RetryMode, c.MaxErrorRetry), Is.EqualTo((Amazon.Runtime.RequestRetryMode.Standard, 4)));

        using var aws = S3ClientFactory.Create(new S3StoreOptions { Region = "eu-central-1", AccessKey = "a", SecretKey = "s" });
        var a = (Amazon.S3.AmazonS3Config)aws.Config;
        Assert.That((a.ForcePathStyle, a.RegionEndpoint?.SystemName, a.ServiceURL), Is.EqualTo((false, "eu-central-1", (string?)null)));
    }

    [Test]
    public void PartSize_BelowTheS3Minimum_IsRejected() =>
        Assert.Throws<EtlException>(() => new S3ObjectStore(new S3StoreOptions { PartSize = 1 << 20 }));
}
