using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

/// <summary>
/// Finding a kernel's headers where distributions put them, and refusing what no module can be
/// built against, on made-up file trees (a root with lib/modules, usr/src and proc).
/// </summary>
public sealed class KernelHeadersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ksharp-headers").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string X86Config = "CONFIG_MODULES=y\nCONFIG_X86_64=y\nCONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian 12.2.0-14) 12.2.0\"\nCONFIG_GCC_VERSION=120200\n";

    // A build tree: a Makefile, Module.symvers and the configuration kbuild wrote.
    private string Tree(string path, string autoConf = X86Config)
    {
        string tree = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.Combine(tree, "include", "config"));
        File.WriteAllText(Path.Combine(tree, "Makefile"), "# kernel\n");
        File.WriteAllText(Path.Combine(tree, "Module.symvers"), "0x00000000\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
        File.WriteAllText(Path.Combine(tree, "include", "config", "auto.conf"), autoConf);
        return tree;
    }

    private void Link(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, from))!);
        Directory.CreateSymbolicLink(Path.Combine(_root, from), to);
    }

    [Fact]
    public void Lib_modules_build_is_found_and_followed_to_the_tree_it_names()
    {
        string tree = Tree("usr/src/linux-headers-9.9.9-test");
        Link("lib/modules/9.9.9-test/build", tree);
        KernelHeaders headers = KernelHeaders.Find("9.9.9-test", _root);
        Assert.Equal(tree, headers.Directory);
        Assert.Equal("9.9.9-test", headers.Release);
    }

    [Fact]
    public void A_build_directory_of_its_own_is_named_after_its_release()
    {
        // As Fedora's kernel-devel lays it out, when build is a tree rather than a link.
        Tree("lib/modules/9.9.9-200.fc99.x86_64/build");
        Assert.Equal("9.9.9-200.fc99.x86_64", KernelHeaders.Find("9.9.9-200.fc99.x86_64", _root).Release);
    }

    [Fact]
    public void Usr_src_linux_headers_is_the_fallback()
    {
        string tree = Tree("usr/src/linux-headers-9.9.9-only");
        Assert.Equal(tree, KernelHeaders.Find("9.9.9-only", _root).Directory);
    }

    [Fact]
    public void Missing_headers_name_the_package_to_install()
    {
        var error = Assert.Throws<BuildError>(() => KernelHeaders.Find("9.9.9-none", _root));
        Assert.StartsWith("no headers for kernel 9.9.9-none (looked in ", error.Message);
        Assert.Contains("install linux-headers-9.9.9-none (Debian, Ubuntu: apt-get install linux-headers-9.9.9-none; Fedora: dnf install kernel-devel-9.9.9-none)", error.Message);
    }

    [Fact]
    public void The_host_release_is_the_running_kernels()
    {
        Directory.CreateDirectory(Path.Combine(_root, "proc", "sys", "kernel"));
        File.WriteAllText(Path.Combine(_root, "proc", "sys", "kernel", "osrelease"), "9.9.9-host\n");
        Assert.Equal("9.9.9-host", KernelHeaders.HostRelease(_root));
    }

    [Theory]
    [InlineData("CONFIG_X86_64=y\n", "kernel 9.9.9-test is configured without loadable modules (CONFIG_MODULES is not set): no .ko can be loaded into it")]
    [InlineData("CONFIG_MODULES=y\nCONFIG_ARM64=y\n", "kernel 9.9.9-test is not an x86-64 kernel (CONFIG_X86_64 is not set): KernelSharp compiles C# to x86-64 kernel code only")]
    public void Kernels_no_module_of_ours_can_load_into_are_refused(string autoConf, string message)
    {
        Tree("usr/src/linux-headers-9.9.9-test", autoConf);
        Assert.Equal(message, Assert.Throws<BuildError>(() => KernelHeaders.Find("9.9.9-test", _root)).Message);
    }

    [Fact]
    public void Another_gcc_than_the_kernels_is_a_warning_and_the_same_is_not()
    {
        var headers = KernelHeaders.Open(Tree("usr/src/linux-headers-9.9.9-test"));
        Assert.Null(headers.CompilerWarning("12.2.0"));
        Assert.Null(headers.CompilerWarning("12.2.1"));
        Assert.Equal("kernel 9.9.9-test was built with gcc-12 (Debian 12.2.0-14) 12.2.0, but this machine's gcc is 13.1.0: the module may not load or may misbehave; install the kernel's compiler (as kbuild also warns)",
            headers.CompilerWarning("13.1.0"));
        var clang = KernelHeaders.Open(Tree("usr/src/linux-headers-9.9.9-clang", "CONFIG_MODULES=y\nCONFIG_X86_64=y\nCONFIG_CC_VERSION_TEXT=\"Debian clang version 16.0.6\"\nCONFIG_GCC_VERSION=0\n"));
        Assert.Equal("kernel 9.9.9-clang was built with Debian clang version 16.0.6, not gcc; the glue and shims are compiled with gcc 12.2.0", clang.CompilerWarning("12.2.0"));
    }
}
