using Microsoft.CodeAnalysis;

namespace KernelSharp.Analyzers;

/// <summary>
/// The rule table: every rule KernelSharp enforces on a driver's C# source, with its stable id,
/// its title, the help text editors show, and the headline the ksharp build tool prints above
/// its errors. The analyzers report from it while the driver is written; the build tool runs
/// the same analyzers (there is no second copy), and keeps its checks on the compiled object
/// (ObjectChecker, the machine-code pass) as the proof. Each rule has a page,
/// docs/diagnostics/KSxxxx.md; a unit test keeps the pages and this table in step.
/// </summary>
public static class Rules
{
    private const string Runtime = "KernelSharp.Runtime";
    private const string Usage = "KernelSharp.Usage";

    public static readonly Rule OwnedValueCopied = new("KS0001", "An owned value is copied",
        "owned values copied",
        "An owned value holds a kernel resource (a port region, a buffer, a lock's guard, a device): two copies would both release it. Values move by out at creation, travel by ref, and change owner with Owned.Take(ref x), which empties the source.");

    public static readonly Rule ExternMethod = new("KS0002", "A driver declares an extern method",
        "drivers cannot declare extern methods",
        "Drivers reach the kernel through the KernelSharp library, whose shims are compiled against each kernel's headers. A missing kernel API belongs in the library and its shims, not in a driver's extern declaration.");

    public static readonly Rule UnsafeCode = new("KS0003", "Unsafe code without the opt-in",
        "unsafe code without [assembly: KernelSharp.AllowUnsafeCode]",
        "Driver code without unsafe cannot corrupt the kernel. unsafe is allowed only by choice, with [assembly: KernelSharp.AllowUnsafeCode], and then each unsafe member is a warning (KS0004) for review.");

    public static readonly Rule UnsafeCodeReview = new("KS0004", "Unsafe code to review",
        "unsafe code",
        "The driver opted in to unsafe code with [assembly: KernelSharp.AllowUnsafeCode]; each unsafe block, member or [UnsafeApi] call can corrupt kernel memory. Keep it small and reviewed.",
        DiagnosticSeverity.Warning);

    public static readonly Rule EscapeHatch = new("KS0005", "An API that bypasses the safe library",
        "APIs that bypass the safe library",
        "Unsafe, MemoryMarshal, FieldOffset, SkipLocalsInit, the compiler's import and export attributes and the generated glue's support write or reinterpret any memory without the unsafe keyword. Drivers use the KernelSharp library's safe types.");

    public static readonly Rule UsedAfterOwnerEnded = new("KS0006", "A span or reference outlives its owner",
        "spans or references used after their owner ended",
        "A span or ref local taken from an owned value (buffer.Span, guard.Data) is used after the owner's Dispose, the end of its using, Owned.Take or a resize: it reads freed or unlocked memory.");

    public static readonly Rule SharedStaticChanged = new("KS0007", "An owned static changes where tasks run at once",
        "owned statics changed where tasks run at once",
        "File operations, seq_file show functions and exported functions run in several tasks at once; two of them that Dispose or replace the same owned static would release it twice. Set owned statics up in Init, release them in Exit, and keep what changes in a Mutex<T>.");

    public static readonly Rule SleepInAtomicContext = new("KS0008", "Sleeping where the CPU cannot be given up",
        "sleeping while a spin lock is held",
        "A timer handler runs in softirq context, a wait condition runs with the task marked asleep, and a CPU that holds a spin lock must not sleep. Members marked [MaySleep] (a mutex, a user-memory copy, Gfp.Kernel allocation, a delay) may not be reached from there, directly, through the driver's methods, or through library code that calls back into a driver type (a value's TryFormat when it is logged).");

    public static readonly Rule ManagedAllocation = new("KS0009", "A managed allocation",
        "managed allocations",
        "Kernel C# has no garbage collector: new of a class, arrays, boxing, delegates and lambdas, strings joined at run time, params arrays and collection expressions that make arrays or lists all allocate managed objects. Use structs, stackalloc, UTF-8 literals (\"...\"u8) and KernelBuffer, Shared<T> or KernelArray<T> for memory that outlives a call.", category: Runtime);

    public static readonly Rule ExceptionThrown = new("KS0010", "An exception is thrown",
        "exceptions thrown",
        "Kernel C# has no exception handling: a throw would stop the kernel. Return an Error through Result instead, as kernel C returns -errno.", category: Runtime);

    public static readonly Rule FloatingPoint = new("KS0011", "Floating-point arithmetic",
        "floating-point arithmetic",
        "The kernel does not save the FPU and SIMD registers for module code, and the compiled C# may not touch them: float, double, decimal, Half and vector types are refused. Use integers, scaled (fixed point) where a fraction is needed.", category: Runtime);

    public static readonly Rule StaticInitializerNeedsKernel = new("KS0012", "A static initializer that cannot run at build time",
        "static constructors that cannot run at build time",
        "The compiler runs static constructors and static field initializers at build time; one that calls into the kernel (through the KernelSharp library or an extern method) cannot run there, and would run at first use, on any CPU, without a lock. Give static fields constant initializers, or set them in Init.", category: Runtime);

    public static readonly Rule KernelTestCannotRun = new("KS0013", "A [KernelTest] method that cannot run",
        "[KernelTest] methods that cannot run",
        "The generated test entry calls each [KernelTest] method as Type.Method(): it must be static, take no parameters or type parameters, return void (KernelAssert reports failures), be internal or public in a type that is not generic, and have a name no other test of its type has, since the KTAP report names each test once.", category: Usage);

    public static readonly Rule DebugSiteUnfollowable = new("KS0014", "Log.Debug used in a way dynamic debug cannot follow",
        "Log.Debug used in a way dynamic debug cannot follow",
        "Each Log.Debug call is a dynamic debug site, which the build tool describes from the call's file, line and message, and which the call finds by the file and line the compiler passes. Call Log.Debug with an interpolated string or a UTF-8 literal, leave its caller-info arguments to the compiler, put one call on a line, and let the compiler make its DebugMessage.", category: Usage);

    /// <summary>Every rule, in the order the build tool reports them.</summary>
    public static readonly IReadOnlyList<Rule> All =
    [
        OwnedValueCopied, ExternMethod, UnsafeCode, UnsafeCodeReview, EscapeHatch, UsedAfterOwnerEnded,
        SharedStaticChanged, SleepInAtomicContext, ManagedAllocation, ExceptionThrown, FloatingPoint, StaticInitializerNeedsKernel,
        KernelTestCannotRun, DebugSiteUnfollowable,
    ];

    public static Rule ById(string id) => All.First(rule => rule.Id == id);
}

/// <summary>
/// One rule: its descriptor (the message is the finding's own text, which names what was
/// found and how to fix it) and the build tool's headline for a list of its errors.
/// </summary>
public sealed class Rule
{
    public Rule(string id, string title, string headline, string help, DiagnosticSeverity severity = DiagnosticSeverity.Error, string category = "KernelSharp.Safety")
    {
        Id = id;
        Headline = headline;
        Help = help;
        Descriptor = new DiagnosticDescriptor(id, title, "{0}", category, severity, isEnabledByDefault: true,
            description: $"{help} See docs/diagnostics/{id}.md.", customTags: severity == DiagnosticSeverity.Error ? [WellKnownDiagnosticTags.NotConfigurable] : []);
    }

    public string Id { get; }
    public string Headline { get; }
    public string Help { get; }
    public DiagnosticDescriptor Descriptor { get; }
    public string Title => Descriptor.Title.ToString();
}
