using KernelSharp.Harness;
using Xunit;

namespace KernelSharp.Tests.Unit;

public sealed class HarnessKernelImagesTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("ksharp-kernels-test-");

    public void Dispose() => root.Delete(recursive: true);

    private string Boot => Path.Combine(root.FullName, "boot");

    private string Source => Path.Combine(root.FullName, "usr-src");

    private void Install(string version, bool image = true, bool headers = true)
    {
        if (image)
        {
            Directory.CreateDirectory(Boot);
            File.WriteAllText(Path.Combine(Boot, "vmlinuz-" + version), "image");
        }
        if (headers)
            Directory.CreateDirectory(Path.Combine(Source, "linux-headers-" + version));
    }

    [Fact]
    public void Only_images_with_headers_count_and_they_are_sorted_newest_first()
    {
        Install("6.1.0-9-amd64");
        Install("6.12.107+deb12-amd64");
        Install("6.1.0-56-amd64");
        Install("6.5.0-1-amd64", headers: false);
        Install("6.6.0-1-amd64", image: false);
        File.WriteAllText(Path.Combine(Boot, "config-6.1.0-56-amd64"), "");

        var kernels = new KernelImages(Boot, Source);

        Assert.Equal(["6.12.107+deb12-amd64", "6.1.0-56-amd64", "6.1.0-9-amd64"], kernels.All.Select(k => k.Version));
        var newest = kernels.All[0];
        Assert.Equal(Path.Combine(Boot, "vmlinuz-6.12.107+deb12-amd64"), newest.ImagePath);
        Assert.Equal(Path.Combine(Source, "linux-headers-6.12.107+deb12-amd64"), newest.HeadersPath);
    }

    [Fact]
    public void Default_is_the_newest_6_1_kernel_even_when_a_newer_series_is_installed()
    {
        Install("6.1.0-9-amd64");
        Install("6.1.0-56-amd64");
        Install("6.12.107+deb12-amd64");

        Assert.Equal("6.1.0-56-amd64", new KernelImages(Boot, Source).Default?.Version);
    }

    [Fact]
    public void Default_falls_back_to_the_newest_kernel_without_a_6_1_one()
    {
        Install("6.12.9+deb12-amd64");
        Install("6.12.107+deb12-amd64");

        Assert.Equal("6.12.107+deb12-amd64", new KernelImages(Boot, Source).RequireDefault().Version);
    }

    [Fact]
    public void Without_kernels_Default_is_null_and_the_message_names_the_Debian_packages()
    {
        Install("6.1.0-56-amd64", headers: false);

        var kernels = new KernelImages(Boot, Source);
        Assert.Empty(kernels.All);
        Assert.Null(kernels.Default);
        var error = Assert.Throws<HarnessException>(kernels.RequireDefault);
        Assert.Contains("linux-image-amd64", error.Message);
        Assert.Contains("linux-headers-amd64", error.Message);

        Assert.Empty(new KernelImages(Path.Combine(root.FullName, "no-such-dir"), Source).All);
    }

    [Fact]
    public void Lookup_by_version_takes_exact_matches_and_field_prefixes()
    {
        Install("6.1.0-56-amd64");
        Install("6.12.107+deb12-amd64");
        Install("6.12.9+deb12-amd64");
        var kernels = new KernelImages(Boot, Source);

        Assert.Equal("6.1.0-56-amd64", kernels.FindByVersion("6.1.0-56-amd64")?.Version);
        Assert.Equal("6.12.107+deb12-amd64", kernels.FindByVersion("6.12")?.Version);
        Assert.Equal("6.12.9+deb12-amd64", kernels.FindByVersion("6.12.9")?.Version);
        Assert.Equal("6.1.0-56-amd64", kernels.FindByVersion("6.1")?.Version);
        Assert.Null(kernels.FindByVersion("6.1.0-5"));
        Assert.Null(kernels.FindByVersion("6.1.0-56-amd"));
        Assert.Null(kernels.FindByVersion("5.10"));
        Assert.Null(kernels.FindByVersion(""));
    }

    [Fact]
    public void A_realtime_kernel_is_found_only_when_asked_for_or_alone()
    {
        Install("6.1.0-57-amd64");
        Install("6.1.0-57-rt-amd64");
        var kernels = new KernelImages(Boot, Source);

        Assert.Equal("6.1.0-57-amd64", kernels.Default?.Version);
        Assert.Equal("6.1.0-57-amd64", kernels.FindByVersion("6.1")?.Version);
        Assert.Equal("6.1.0-57-rt-amd64", kernels.FindByVersion("6.1-rt")?.Version);
        Assert.Equal("6.1.0-57-rt-amd64", kernels.FindByVersion("6.1.0-57-rt-amd64")?.Version);
        Assert.True(kernels.FindByVersion("6.1-rt")!.IsRealtime);
        Assert.Null(kernels.FindByVersion("6.12-rt"));

        Directory.Delete(Path.Combine(Source, "linux-headers-6.1.0-57-amd64"));
        Assert.Equal("6.1.0-57-rt-amd64", new KernelImages(Boot, Source).FindByVersion("6.1")?.Version);
    }

    [Fact]
    public void The_debug_kernel_is_found_only_when_asked_for_and_never_by_default()
    {
        Install("6.1.0-57-amd64");
        var debug = new KernelImage("6.1.192-ksharp-debug", "/cache/debug-0/arch/x86/boot/bzImage", "/cache/debug-0") { DirectBoot = false };
        var kernels = new KernelImages(Boot, Source, [debug]);

        Assert.Equal("6.1.0-57-amd64", kernels.Default?.Version);
        Assert.Equal("6.1.0-57-amd64", kernels.FindByVersion("6.1")?.Version);
        Assert.Same(debug, kernels.FindByVersion(DebugKernel.Name));
        Assert.True(debug.IsDebug && debug.IsSpecial && debug.IsSeries(6, 1));
        Assert.Null(kernels.FindByVersion("6.12-debug"));
        Assert.Null(kernels.FindByVersion("6.1-rt"));

        Directory.Delete(Path.Combine(Source, "linux-headers-6.1.0-57-amd64"));
        var alone = new KernelImages(Boot, Source, [debug]);
        Assert.Null(alone.Default);
        Assert.Null(alone.FindByVersion("6.1"));
    }

    [Fact]
    public void Configuring_the_debug_kernel_reports_every_option_kconfig_dropped()
    {
        const string config = "CONFIG_KASAN=y\n# CONFIG_RD_GZIP is not set\nCONFIG_NR_CPUS=64\nCONFIG_FAILSLAB=y\n";
        const string fragment = "# comment\nCONFIG_KASAN=y\nCONFIG_RD_GZIP=n\nCONFIG_NR_CPUS=8\nCONFIG_PROVE_LOCKING=y\nCONFIG_FAILSLAB=n\n";

        Assert.Equal(["CONFIG_NR_CPUS=8 (is 64)", "CONFIG_PROVE_LOCKING=y", "CONFIG_FAILSLAB=n (is y)"], DebugKernel.DroppedOptions(fragment, config));
        Assert.Empty(DebugKernel.DroppedOptions(fragment.Replace("CONFIG_NR_CPUS=8\nCONFIG_PROVE_LOCKING=y\nCONFIG_FAILSLAB=n\n", ""), config));
        // The fragment the harness builds with asks for every checker the issue names.
        foreach (var option in new[] { "KASAN_INLINE", "DEBUG_KMEMLEAK", "PROVE_LOCKING", "DEBUG_ATOMIC_SLEEP", "DEBUG_OBJECTS_TIMERS",
                     "DEBUG_OBJECTS_WORK", "UBSAN", "FAILSLAB", "FAIL_PAGE_ALLOC", "FAULT_INJECTION_DEBUG_FS", "DYNAMIC_DEBUG", "KALLSYMS_ALL", "UNWINDER_ORC" })
            Assert.Contains($"\nCONFIG_{option}=y\n", DebugKernel.Fragment);
    }

    [Fact]
    public void Lookup_by_image_path_follows_symlinks()
    {
        Install("6.1.0-56-amd64");
        var link = Path.Combine(root.FullName, "vmlinuz");
        File.CreateSymbolicLink(link, Path.Combine("boot", "vmlinuz-6.1.0-56-amd64"));
        var kernels = new KernelImages(Boot, Source);

        Assert.Equal("6.1.0-56-amd64", kernels.FindByImagePath(Path.Combine(Boot, "vmlinuz-6.1.0-56-amd64"))?.Version);
        Assert.Equal("6.1.0-56-amd64", kernels.FindByImagePath(link)?.Version);
        Assert.Null(kernels.FindByImagePath(Path.Combine(Boot, "vmlinuz-6.1.0-9-amd64")));
    }

    [Theory]
    [InlineData("6.12.107+deb12-amd64", "6.1.0-56-amd64")]
    [InlineData("6.1.0-56-amd64", "6.1.0-9-amd64")]
    [InlineData("6.1.10-1-amd64", "6.1.9-1-amd64")]
    [InlineData("6.1.0-56-amd64", "6.1.0-rc7-amd64")]
    [InlineData("6.1.0-56-amd64", "6.1.0")]
    public void Versions_compare_numerically(string newer, string older)
    {
        Assert.True(KernelImage.CompareVersions(newer, older) > 0);
        Assert.True(KernelImage.CompareVersions(older, newer) < 0);
        Assert.Equal(0, KernelImage.CompareVersions(newer, newer));
    }

    [Theory]
    [InlineData("6.1.0-56-amd64", 6, 1, true)]
    [InlineData("6.12.107+deb12-amd64", 6, 1, false)]
    [InlineData("6.12.107+deb12-amd64", 6, 12, true)]
    [InlineData("5.10.0-30-amd64", 6, 1, false)]
    public void Series_are_recognised(string version, int major, int minor, bool expected)
    {
        Assert.Equal(expected, new KernelImage(version, "vmlinuz", "headers").IsSeries(major, minor));
    }

    // The suite builds and boots every kernel the launcher lists (supported_kernels in ./ksharp).
    [Fact]
    public void The_host_scan_finds_every_supported_kernel_with_its_image_and_headers()
    {
        var kernels = KernelImages.OnHost();
        var supported = Integration.KernelIndependenceTests.SupportedKernels();
        Assert.NotEmpty(supported);
        foreach (string series in supported)
        {
            KernelImage? kernel = kernels.FindByVersion(series);
            Assert.True(kernel is not null, $"the supported kernel {series} was not found with its headers "
                + $"(found: {string.Join(", ", kernels.All.Select(k => k.Version))}): run ./ksharp setup");
            Assert.Equal(Path.Combine("/boot", "vmlinuz-" + kernel.Version), kernel.ImagePath);
            Assert.Equal(Path.Combine("/usr/src", "linux-headers-" + kernel.Version), kernel.HeadersPath);
            Assert.True(File.Exists(kernel.ImagePath), kernel.ImagePath);
            Assert.True(Directory.Exists(kernel.HeadersPath), kernel.HeadersPath);
        }
    }
}
