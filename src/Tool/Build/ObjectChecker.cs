namespace KernelSharp.Tool.Build;

/// <summary>Checks a compiled C# object against what a kernel module may contain.</summary>
public static class ObjectChecker
{
    /// <summary>Runtime helpers the compiler calls for features kernel C# cannot have, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> UnsupportedHelpers = new Dictionary<string, string>
    {
        ["RhpNewFast"] = "allocates a managed object ('new' of a class, boxing, a lambda or closure); kernel C# has no garbage collector: use structs, stackalloc or KernelBuffer",
        ["RhpNewFinalizable"] = "allocates a managed object with a finalizer; kernel C# has no garbage collector",
        ["RhpNewArray"] = "allocates a managed array ('new T[n]'); use stackalloc, a span over static data, or KernelBuffer",
        ["RhpNewPtrArrayFast"] = "allocates a managed array; use stackalloc or KernelBuffer",
        ["RhpNewArrayFast"] = "allocates a managed array; use stackalloc or KernelBuffer",
        ["RhNewString"] = "creates a string at run time; kernel C# has no garbage collector: use UTF-8 spans (\"...\"u8)",
        ["RhpThrowEx"] = "throws an exception; kernel C# has no exception handling: return an Error (Result) instead",
        ["RhpRethrow"] = "rethrows an exception; kernel C# has no exception handling",
        ["RhpAssignRef"] = "stores an object reference in a field (a GC write barrier); kernel C# keeps no managed objects: use structs",
        ["RhpCheckedAssignRef"] = "stores an object reference through a ref (a GC write barrier); kernel C# keeps no managed objects: use structs",
        ["RhpByRefAssignRef"] = "copies a struct holding object references (a GC write barrier); kernel C# keeps no managed objects",
        ["RhpStelemRef"] = "stores into an array of references; kernel C# has no managed arrays",
        ["RhpLdelemaRef"] = "takes the address of an element of an array of references",
        ["RhTypeCast_IsInstanceOfInterface"] = "casts to an interface; call static interface members through a generic constraint instead",
        ["RhpGetThreadStaticBase"] = "uses [ThreadStatic]; the kernel has no thread-local storage for modules",
    };

    /// <summary>
    /// Kernel functions compiled C# may call without a shim: their signature is the C
    /// standard's, the same on every kernel. Everything else goes through src/Native, where a
    /// shim is compiled against the target kernel's headers (architecture rule 1).
    /// </summary>
    public static readonly IReadOnlySet<string> DirectKernelCalls = new HashSet<string>(StringComparer.Ordinal) { "memmove", "memset" };

    /// <summary>
    /// Finds relocations the module loader would reject, symbols nothing will define, calls
    /// to kernel functions that bypass the shims, and static constructors left to run lazily.
    /// <paramref name="defined"/> holds what the shims and runtime stubs define,
    /// <paramref name="kernelExports"/> what the target kernel exports.
    /// </summary>
    public static IReadOnlyList<string> Check(ElfObject elf, ISet<string> defined, ISet<string> kernelExports, string? assemblyName = null)
    {
        var problems = new List<string>();
        // Sections the module does not load (a debug build's DWARF, which the machine-code pass
        // reads and does not copy) may hold any relocation.
        foreach (var group in elf.Relocations.Where(r => !ElfObject.LoaderAcceptedRelocations.ContainsKey(r.Type) && (r.Target.Flags & 0x2 /* SHF_ALLOC */) != 0)
                     .GroupBy(r => (r.Type, User(elf, r, assemblyName))))
        {
            ElfObject.Relocation first = group.First();
            string hint = first.Type is >= 16 and <= 23 ? " (thread-local storage, e.g. [ThreadStatic], which modules cannot have)" : "";
            problems.Add($"{ElfObject.RelocationName(first.Type)} against {Describe(first.Symbol.Name, assemblyName)} in {group.Key.Item2}: the kernel module loader rejects this relocation{hint}");
        }
        foreach (ElfObject.Symbol symbol in elf.Symbols.Where(s => s.IsUndefined).DistinctBy(s => s.Name))
        {
            if (defined.Contains(symbol.Name) || DirectKernelCalls.Contains(symbol.Name))
                continue;
            string where = UsedBy(elf, r => r.Symbol.Name == symbol.Name, assemblyName);
            if (UnsupportedHelpers.TryGetValue(symbol.Name, out string? why))
                problems.Add($"C# code that {why}{where}");
            else if (kernelExports.Contains(symbol.Name))
                problems.Add($"C# calls the kernel function {symbol.Name} directly{where}: kernel functions are reached through the shims in src/Native, compiled against each kernel's headers (architecture rule 1)");
            else
                problems.Add($"unresolved symbol {symbol.Name}{where}: no shim in src/Native defines it and the kernel does not export it");
        }

        // The compiler evaluates most static constructors at build time. One it could not
        // would run at first use, from any CPU, with no lock: refuse it, naming the class.
        // ILCompiler reaches the runner through a helper named after the class's statics.
        var lazyClasses = elf.Relocations
            .Where(r => IsCode(r.Target) && r.Symbol.Name.Contains("ClassConstructorRunner__CheckStaticClassConstruction", StringComparison.Ordinal))
            .Select(r => elf.FunctionAt(r.Target, r.Offset)?.Name ?? "")
            .Where(caller => !caller.Contains("ClassConstructorRunner", StringComparison.Ordinal))
            .Select(caller => LazyStaticsHelper.Match(caller) is { Success: true } m ? Describe(m.Groups["type"].Value, assemblyName) : Describe(caller, assemblyName))
            .Distinct()
            .ToList();
        foreach (string type in lazyClasses)
            problems.Add($"the static constructor of {type} cannot run at build time, so it would run at first use, on any CPU, without a lock: give its static fields constant initializers, or set them in Init");
        return problems;
    }

    private static readonly System.Text.RegularExpressions.Regex LazyStaticsHelper = new(@"^_*Get(NonGC|GC|Thread)StaticBase_(?<type>.+)$");

    private static bool IsCode(ElfObject.Section section) => (section.Flags & 0x4 /* SHF_EXECINSTR */) != 0;

    // Users are functions in code sections; unwind tables also point at code but say nothing.
    private static string UsedBy(ElfObject elf, Func<ElfObject.Relocation, bool> match, string? assemblyName)
    {
        string users = string.Join(", ", elf.Relocations.Where(r => IsCode(r.Target) && match(r)).Select(r => User(elf, r, assemblyName)).Distinct().Take(3));
        return users.Length > 0 ? $" (used by {users})" : "";
    }

    private static string User(ElfObject elf, ElfObject.Relocation relocation, string? assemblyName) =>
        elf.FunctionAt(relocation.Target, relocation.Offset) is { } function ? Describe(function.Name, assemblyName) : $"{relocation.Target.Name}+0x{relocation.Offset:x}";

    /// <summary>
    /// ILCompiler mangles names as ASSEMBLY_NAMESPACE_TYPE__METHOD; without the driver's
    /// assembly prefix and with "." for "__" they read like C#.
    /// </summary>
    public static string Describe(string symbol, string? assemblyName)
    {
        if (assemblyName is not null && symbol.StartsWith(assemblyName + "_", StringComparison.Ordinal))
            symbol = symbol[(assemblyName.Length + 1)..];
        return symbol.Replace("__", ".");
    }
}
