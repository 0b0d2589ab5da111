using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace VapiSync.Client.Dashboard.Tests;

/// <summary>
/// Debian's chromium and chromium-driver, headless, driven by Selenium. Paths can be changed with
/// VAPISYNC_CHROMIUM and VAPISYNC_CHROMEDRIVER. Nothing is downloaded: both must be installed (.ci/run installs them).
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("VAPISYNC_CHROMIUM") ?? "/usr/bin/chromium";
    private static readonly string DriverPath = Environment.GetEnvironmentVariable("VAPISYNC_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    private readonly string _profile = Directory.CreateTempSubdirectory("vapisync-chromium-").FullName;
    private readonly Lazy<ChromeDriver> _driver;

    public Browser() => _driver = new Lazy<ChromeDriver>(Start);

    public static bool IsInstalled => File.Exists(ChromiumPath) && File.Exists(DriverPath);

    /// <summary>In CI the browser tests must run: a missing browser fails them instead of skipping them.</summary>
    public static bool IsRequired => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Outside the repository, so screenshots never end up in git.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(Path.GetTempPath(), "vapisync-dashboard-shots");

    public IWebDriver Driver => _driver.Value;

    // Selenium blocks its thread until the browser has the next page, and that page is served by this process. Blocking
    // xunit's test thread (its synchronization context) stalled a POST handler whose continuation had been posted
    // there, until Selenium timed out. So every call that waits for a page runs on a pool thread and is awaited.

    /// <summary>Loads a page; completes when the browser has loaded it.</summary>
    public Task OpenAsync(Uri url) => Task.Run(() => Driver.Navigate().GoToUrl(url));

    /// <summary>Clicks a button that submits a form; completes when the page it leads to has loaded.</summary>
    public Task SubmitAsync(IWebElement button) => Task.Run(button.Click);

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IWebElement Button(string label, string? within = null) =>
        Driver.FindElement(By.XPath($"{within ?? "/"}/button[normalize-space()='{label}']"));

    /// <summary>Waits for an element to appear (an audit finishing), bounded, never a fixed sleep.</summary>
    public Task<IWebElement> WaitForAsync(string css, int seconds = 30) =>
        Task.Run(() => new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)).Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault()));

    public string Screenshot(string name, ITestOutputHelper output)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    public void Dispose()
    {
        if (_driver.IsValueCreated)
        {
            _driver.Value.Quit();
            _driver.Value.Dispose();
        }

        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be releasing its profile; the temp folder is cleaned by the OS.
        }
    }

    private ChromeDriver Start()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"The browser tests need chromium ({ChromiumPath}) and chromedriver ({DriverPath}): apt-get install chromium chromium-driver (.ci/run does).");
        }

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows", "--disable-background-timer-throttling", "--window-size=1200,1000", $"--user-data-dir={_profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}

/// <summary>A browser test: skipped only when the browser is missing on a developer's machine; in CI it must run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Browser.IsInstalled && !Browser.IsRequired)
        {
            Skip = "chromium and chromedriver are not installed (apt-get install chromium chromium-driver); CI=true makes this a failure.";
        }
    }
}
