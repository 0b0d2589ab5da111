using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

/// <summary>Vapi's <c>name</c> limit (40) counted as validator.js <c>isLength</c> counts it, not in UTF-16 units.</summary>
public sealed class NameLengthTests
{
    private static readonly string Emoji = "\U0001F600"; // one code point, two UTF-16 units

    [Theory]
    [InlineData("abc", 3)]
    [InlineData("\U0001F600", 1)]
    [InlineData("\u2764\uFE0F", 1)] // ❤️: presentation selector not counted
    [InlineData("\U0001F44D\uFE0F", 1)]
    [InlineData("e\u0301", 2)] // combining accent: a code point of its own, as in validator.js
    public void VapiLength_CountsAsValidatorJs(string text, int expected) =>
        Assert.Equal(expected, SyncRequestValidator.VapiLength(text));

    [Fact]
    public void Validate_NameOf30Emoji_IsAccepted()
    {
        var name = string.Concat(Enumerable.Repeat(Emoji, 30));
        Assert.Equal(60, name.Length);

        SyncRequestValidator.Validate(SyncHarness.Request(name: name));
    }

    [Fact]
    public void Validate_NameOf41Emoji_IsRejectedWithTheCodePointCount()
    {
        var ex = Assert.Throws<VapiValidationException>(() => SyncRequestValidator.Validate(SyncHarness.Request(name: string.Concat(Enumerable.Repeat(Emoji, 41)))));

        Assert.Contains("has 41 characters", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HugeName_EchoesItBounded()
    {
        var ex = Assert.Throws<VapiValidationException>(() => SyncRequestValidator.Validate(SyncHarness.Request(name: new string('n', 100_000))));

        var error = Assert.Single(ex.Errors);
        Assert.InRange(error.Length, 1, 200);
        Assert.Contains("has 100000 characters", error, StringComparison.Ordinal);
        Assert.InRange(ex.Message.Length, 1, 400);
    }
}
