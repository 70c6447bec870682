namespace KernelSharp.Tool.Build;

/// <summary>What the build tool learned from a driver's C# declarations.</summary>
public sealed record DriverModel(
    ModuleInfo Module,
    IReadOnlyList<ModuleParameter> Parameters,
    IReadOnlyList<FileOperationsType> FileOperations,
    IReadOnlyList<string> SeqShowTypes,
    IReadOnlyList<SpanParameter>? SpanParameters = null)
{
    /// <summary>String and array parameters, implemented as partial properties.</summary>
    public IReadOnlyList<SpanParameter> SpanParameters { get; init; } = SpanParameters ?? [];

    /// <summary>Functions other modules call: [ExportSymbol] methods.</summary>
    public IReadOnlyList<ExportedFunction> Exports { get; init; } = [];

    /// <summary>Functions of other modules this one calls: [ImportSymbol] partial methods.</summary>
    public IReadOnlyList<ImportedFunction> Imports { get; init; } = [];

    /// <summary>Variables shared with other modules, exported or imported.</summary>
    public IReadOnlyList<SharedVariable> Variables { get; init; } = [];

    /// <summary>The device data types file operations receive at open (each gets a release entry).</summary>
    public IReadOnlyList<string> DeviceTypes => FileOperations.Select(type => type.DeviceType).OfType<string>().Distinct().ToList();

    /// <summary>Where the driver creates mutexes: each site is a lockdep class.</summary>
    public IReadOnlyList<LockClassSite> LockClasses { get; init; } = [];

    /// <summary>The Log.Debug calls: each is a dynamic debug site (a struct _ddebug in the generated C).</summary>
    public IReadOnlyList<DebugSite> DebugSites { get; init; } = [];

    /// <summary>Timer and work handler types: each gets a kernel callback in the generated C.</summary>
    public IReadOnlyList<CallbackType> Callbacks { get; init; } = [];

    /// <summary>Modules whose exports this one uses ([assembly: ModuleDependency]).</summary>
    public IReadOnlyList<ModuleDependency> Dependencies { get; init; } = [];

    /// <summary>The [KernelTest] methods of a test build (ksharp test), in source order; none in a normal build.</summary>
    public IReadOnlyList<KernelTestCase> Tests { get; init; } = [];
}

/// <summary>A [KernelTest] method: its name in the test report ("Type.Method") and how generated C# calls it.</summary>
public sealed record KernelTestCase(string Name, string Method);

/// <summary>What calls a handler type back: a kernel timer (softirq context) or a work item (a kernel worker).</summary>
public enum CallbackKind { Timer, Work }

/// <summary>A type implementing ITimerHandler&lt;TData&gt; or IWorkHandler&lt;TData&gt;: the handler and its data type.</summary>
public sealed record CallbackType(string TypeName, CallbackKind Kind, string DataType);

/// <summary>A C signature's parameter: C# keyword and name.</summary>
public sealed record SymbolParameter(string Type, string Name);

/// <summary>An [ExportSymbol] static method.</summary>
public sealed record ExportedFunction(string Symbol, string Method, string Return, IReadOnlyList<SymbolParameter> Parameters);

/// <summary>The partial member a generated implementation completes: where it is declared.</summary>
public sealed record PartialMember(string? Namespace, string TypeName, string TypeKind, string Name, string Accessibility);

/// <summary>An [ImportSymbol] static partial method.</summary>
public sealed record ImportedFunction(string Symbol, PartialMember Member, string Return, IReadOnlyList<SymbolParameter> Parameters);

/// <summary>An [ExportSymbol] or [ImportSymbol] static partial ref property: a C variable.</summary>
public sealed record SharedVariable(string Symbol, bool Exported, PartialMember Member, string Type);

/// <summary>[assembly: ModuleDependency]: a module and its project directory as written (relative to this one).</summary>
public sealed record ModuleDependency(string Module, string ProjectDirectory);

/// <summary>The C types of the integer types a symbol's signature may use.</summary>
public static class SymbolTypes
{
    public static readonly IReadOnlyDictionary<string, string> CType = new Dictionary<string, string>
    {
        ["int"] = "s32", ["uint"] = "u32", ["long"] = "s64", ["ulong"] = "u64", ["nint"] = "long", ["nuint"] = "unsigned long", ["void"] = "void",
    };
}

/// <summary>The [KernelModule] class and its modinfo fields.</summary>
public sealed record ModuleInfo(string Name, string TypeName, string License, string? Author, string? Description);

/// <summary>The kernel's parameter types, by C# type.</summary>
public enum ParameterType { Bool, Byte, Short, UShort, Int, UInt, Long, ULong }

/// <summary>A [ModuleParameter] static field, with the inclusive range its value must lie in.</summary>
public sealed record ModuleParameter(
    string Name, string FieldExpression, ParameterType Type, string Description, int Permissions,
    long? Minimum = null, long? Maximum = null);

/// <summary>
/// A [ModuleParameter] static partial property of type ReadOnlySpan: a string of at most
/// <see cref="Capacity"/> bytes (ElementType null) or an array of at most Capacity integers.
/// The value lives in C storage the generated property reads.
/// </summary>
public sealed record SpanParameter(
    string Name, PartialMember Member, ParameterType? ElementType, string Description, int Permissions, int Capacity, string? Default)
{
    public bool IsString => ElementType is null;
}

/// <summary>The per-open state of a file operations type: its C# type, and whether it owns anything to dispose.</summary>
public sealed record FileStateType(string TypeName, bool Disposable);

/// <summary>
/// A file operations type: the operations its methods implement, its per-open state if any,
/// and the type of the device data its open receives (IOpen&lt;TState, TDevice&gt;) if any.
/// </summary>
public sealed record FileOperationsType(string TypeName, FileOperation Implemented, FileStateType? State = null, string? DeviceType = null)
{
    public bool HasState => State is not null;

    /// <summary>The slots of its table: the operations it implements, and open and release, which allocate and free per-open state.</summary>
    public FileOperation Slots => HasState ? Implemented | FileOperation.Open | FileOperation.Release : Implemented;
}

public static class ParameterTypes
{
    /// <summary>The kernel's name (param_ops_NAME, modinfo parmtype) and C type.</summary>
    public static (string KernelName, string CType) Describe(ParameterType type) => type switch
    {
        ParameterType.Bool => ("bool", "bool"),
        ParameterType.Byte => ("byte", "unsigned char"),
        ParameterType.Short => ("short", "short"),
        ParameterType.UShort => ("ushort", "unsigned short"),
        ParameterType.Int => ("int", "int"),
        ParameterType.UInt => ("uint", "unsigned int"),
        ParameterType.Long => ("long", "long"),
        ParameterType.ULong => ("ulong", "unsigned long"),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The C# keyword of the field type.</summary>
    public static string CSharpKeyword(ParameterType type) => type switch
    {
        ParameterType.Bool => "bool",
        ParameterType.Byte => "byte",
        ParameterType.Short => "short",
        ParameterType.UShort => "ushort",
        ParameterType.Int => "int",
        ParameterType.UInt => "uint",
        ParameterType.Long => "long",
        ParameterType.ULong => "ulong",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
