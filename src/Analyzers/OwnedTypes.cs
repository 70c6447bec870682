using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelSharp.Analyzers;

/// <summary>Which types are owned values, remembered per type (a struct's fields are looked at once).</summary>
public sealed class OwnedTypes(INamedTypeSymbol disposable)
{
    /// <summary>The owned types of a compilation; null when it has no IDisposable (no kernel library).</summary>
    public static OwnedTypes? For(Compilation compilation) =>
        compilation.GetTypeByMetadataName("System.IDisposable") is { } disposable ? new OwnedTypes(disposable) : null;

    private readonly Dictionary<ITypeSymbol, bool> _known = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The generic type or <c>T?</c> in <paramref name="type"/> that holds an owned value but
    /// was not written for owned values, if any: Nullable, Result, a driver's own generics.
    /// </summary>
    public string? CopyingGeneric(ITypeSymbol? type)
    {
        if (type is IArrayTypeSymbol array)
            return CopyingGeneric(array.ElementType);
        if (type is not INamedTypeSymbol { IsGenericType: true } named)
            return null;
        foreach (ITypeSymbol argument in named.TypeArguments)
        {
            if (Contains(argument) && !IsUserMemory(argument) && !MadeForOwnedValues(named))
                return named.ToDisplayString();
            if (CopyingGeneric(argument) is { } inner)
                return inner;
        }
        return null;
    }

    /// <summary>
    /// Generic code written for owned values (the kernel library's own: KernelArray, Mutex,
    /// Shared, the file operation interfaces), spans (reached by ref) and tuples (copies into
    /// them are checked where they are built). Result is the library's exception: its Value copies.
    /// </summary>
    public static bool MadeForOwnedValues(INamedTypeSymbol? type)
    {
        if (type is null)
            return true;
        INamedTypeSymbol definition = type.OriginalDefinition;
        // By assembly, not namespace: a driver can declare a KernelSharp.* namespace of its own.
        string? assembly = definition.ContainingAssembly?.Name;
        if (assembly == "KernelSharp.CoreLib")
            return definition.ContainingNamespace.ToDisplayString() == "System" && definition.Name is "Span" or "ReadOnlySpan" or "ValueTuple";
        return assembly == "KernelSharp.Kernel" && definition.Name != "Result";
    }

    /// <summary>
    /// Whether <c>Owned.Take(ref place)</c> compiles for this place: a disposable struct
    /// (Take's constraint) in a variable that can be passed by ref (not readonly, not <c>in</c>).
    /// </summary>
    public bool CanTake(IOperation place) =>
        place.Type is { IsValueType: true } type && type.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default)
        && place switch
        {
            ILocalReferenceOperation local => local.Local.RefKind is RefKind.None or RefKind.Ref && !local.Local.IsUsing,
            IFieldReferenceOperation field => !field.Field.IsReadOnly,
            IParameterReferenceOperation parameter => parameter.Parameter.RefKind is RefKind.None or RefKind.Ref or RefKind.Out,
            IArrayElementReferenceOperation => true,
            _ => false,
        };

    /// <summary>A [NoCopy] type that owns nothing: a reader or writer of user memory.</summary>
    public bool IsUserMemory(ITypeSymbol type) =>
        !type.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default) && IsNoCopy(type);

    /// <summary>
    /// One of the kernel library's atomics (Atomic32, Atomic64, AtomicBits): [NoCopy] values that
    /// change through readonly methods. By assembly, as <see cref="MadeForOwnedValues"/> does.
    /// </summary>
    public static bool IsAtomic(ITypeSymbol type) =>
        IsNoCopy(type) && type.ContainingAssembly?.Name == "KernelSharp.Kernel" && type.ContainingNamespace.ToDisplayString() == "KernelSharp.Sync";

    private static bool IsNoCopy(ITypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass is { Name: "NoCopyAttribute", ContainingNamespace.Name: "KernelSharp" });

    public bool Contains(ITypeSymbol? type)
    {
        if (type is not { IsValueType: true })
            return false;
        if (_known.TryGetValue(type, out bool known))
            return known;
        _known[type] = false; // a cycle (impossible for structs, but cheap to guard) is not owned
        bool result = type.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default)
            || IsNoCopy(type)
            || type.IsRefLikeType && type.GetMembers("Dispose").OfType<IMethodSymbol>().Any(m => m is { Parameters.Length: 0, IsStatic: false, DeclaredAccessibility: Accessibility.Public })
            // A struct (or tuple) holding an owned value in a field: copying it copies that value.
            || type.GetMembers().OfType<IFieldSymbol>().Any(field => !field.IsStatic && field.RefKind == RefKind.None && Contains(field.Type));
        _known[type] = result;
        return result;
    }
}
