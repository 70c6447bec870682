using KernelSharp.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelSharp.Tool.Build;

/// <summary>Reads the module declarations ([KernelModule], [ModuleParameter], IFileOperations).</summary>
public static class ModelReader
{
    public static DriverModel Read(CSharpCompilation compilation)
    {
        INamedTypeSymbol moduleInterface = Known(compilation, "KernelSharp.IKernelModule");
        INamedTypeSymbol moduleAttribute = Known(compilation, "KernelSharp.KernelModuleAttribute");
        INamedTypeSymbol parameterAttribute = Known(compilation, "KernelSharp.ModuleParameterAttribute");
        INamedTypeSymbol fileOperations = Known(compilation, "KernelSharp.FileSystem.IFileOperations");
        INamedTypeSymbol seqShow = Known(compilation, "KernelSharp.FileSystem.ISeqShow");
        INamedTypeSymbol exportAttribute = Known(compilation, "KernelSharp.ExportSymbolAttribute");
        INamedTypeSymbol importAttribute = Known(compilation, "KernelSharp.ImportSymbolAttribute");
        INamedTypeSymbol dependencyAttribute = Known(compilation, "KernelSharp.ModuleDependencyAttribute");

        var types = AllTypes(compilation.Assembly.GlobalNamespace).ToList();
        var modules = types.Where(t => t.AllInterfaces.Contains(moduleInterface, SymbolEqualityComparer.Default)).ToList();
        if (modules.Count == 0)
            throw new BuildError("no module class: declare one class that implements KernelSharp.IKernelModule and carries [KernelModule(\"name\")]");
        if (modules.Count > 1)
            throw new BuildError($"more than one module class implements IKernelModule: {string.Join(", ", modules.Select(Where))}; a .ko has exactly one");
        INamedTypeSymbol module = modules[0];

        AttributeData attribute = module.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, moduleAttribute))
            ?? throw new BuildError($"{Where(module)}: the module class needs [KernelModule(\"name\")]");
        string name = (string?)attribute.ConstructorArguments[0].Value ?? "";
        if (!IsModuleName(name))
            throw new BuildError($"{Where(module)}: module name \"{name}\" must be 1 to 55 of a-z, 0-9 and _, starting with a letter (it names the .ko and its symbols)");
        string license = Named(attribute, "License") ?? "GPL";
        if (!GplCompatible.Contains(license))
            throw new BuildError($"{Where(module)}: license \"{license}\" is not GPL-compatible. The kernel library's shims call functions the kernel exports to GPL modules only (class_create, device_create); use one of: {string.Join(", ", GplCompatible)}");
        var info = new ModuleInfo(name, Display(module), license, Named(attribute, "Author"), Named(attribute, "Description"));

        var parameters = new List<ModuleParameter>();
        var spanParameters = new List<SpanParameter>();
        foreach (INamedTypeSymbol type in types)
        {
            foreach (ISymbol member in type.GetMembers())
            {
                AttributeData? p = member.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, parameterAttribute));
                if (p is null)
                    continue;
                if (member is IFieldSymbol field)
                    parameters.Add(ReadParameter(field, p, module));
                else if (member is IPropertySymbol property)
                    spanParameters.Add(ReadSpanParameter(property, p));
            }
        }
        foreach (var duplicate in parameters.Select(p => p.Name).Concat(spanParameters.Select(p => p.Name)).GroupBy(n => n).Where(g => g.Count() > 1))
            throw new BuildError($"module parameter \"{duplicate.Key}\" is declared more than once");

        var tables = new List<FileOperationsType>();
        foreach (INamedTypeSymbol type in types.Where(t => t.AllInterfaces.Contains(fileOperations, SymbolEqualityComparer.Default)))
        {
            if (type.IsAbstract || type.IsGenericType)
                continue;
            if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
                throw new BuildError($"{Where(type)}: a file operations type must be internal or public so the generated entry points can call it");
            tables.Add(ReadFileOperations(type, compilation.GetTypeByMetadataName("System.IDisposable")));
        }
        var shows = new List<string>();
        foreach (INamedTypeSymbol type in types.Where(t => t.AllInterfaces.Contains(seqShow, SymbolEqualityComparer.Default)))
        {
            if (type.IsAbstract || type.IsGenericType)
                continue;
            if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
                throw new BuildError($"{Where(type)}: a seq_file show type must be internal or public so the generated entry points can call it");
            shows.Add(Display(type));
        }
        var callbacks = ReadCallbacks(compilation, types);
        var exports = new List<ExportedFunction>();
        var imports = new List<ImportedFunction>();
        var variables = new List<SharedVariable>();
        foreach (INamedTypeSymbol type in types)
        {
            foreach (ISymbol member in type.GetMembers())
            {
                foreach (AttributeData symbolAttribute in member.GetAttributes())
                {
                    bool export = SymbolEqualityComparer.Default.Equals(symbolAttribute.AttributeClass, exportAttribute);
                    if (!export && !SymbolEqualityComparer.Default.Equals(symbolAttribute.AttributeClass, importAttribute))
                        continue;
                    string symbol = (string?)symbolAttribute.ConstructorArguments[0].Value ?? "";
                    if (!IsCIdentifier(symbol))
                        throw new BuildError($"{Where(member)}: \"{symbol}\" is not a C identifier");
                    if (member is IPropertySymbol property)
                        variables.Add(ReadVariable(property, symbol, export));
                    else if (member is IMethodSymbol method && export)
                        exports.Add(ReadExport(method, symbol));
                    else if (member is IMethodSymbol partialMethod)
                        imports.Add(ReadImport(partialMethod, symbol));
                }
            }
        }
        foreach (var duplicate in exports.Select(e => e.Symbol).Concat(imports.Select(i => i.Symbol)).Concat(variables.Select(v => v.Symbol)).GroupBy(s => s).Where(g => g.Count() > 1))
            throw new BuildError($"symbol \"{duplicate.Key}\" is exported or imported more than once");
        var dependencies = compilation.Assembly.GetAttributes()
            .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, dependencyAttribute))
            .Select(a => new ModuleDependency((string?)a.ConstructorArguments[0].Value ?? "", (string?)a.ConstructorArguments[1].Value ?? ""))
            .ToList();
        if (imports.Count + variables.Count(v => !v.Exported) > 0 && dependencies.Count == 0)
            throw new BuildError("this module imports symbols but names no module they come from: add [assembly: ModuleDependency(\"module\", \"../Project\")]");
        return new DriverModel(info, parameters, tables, shows, spanParameters)
        {
            Exports = exports, Imports = imports, Variables = variables, Dependencies = dependencies,
            LockClasses = LockClassReader.Read(compilation),
            DebugSites = DebugSiteReader.Read(compilation),
            Callbacks = callbacks,
        };
    }

    /// <summary>The driver's timer and work handler types, in declaration order.</summary>
    private static List<CallbackType> ReadCallbacks(CSharpCompilation compilation, List<INamedTypeSymbol> types)
    {
        INamedTypeSymbol? timer = compilation.GetTypeByMetadataName("KernelSharp.Time.ITimerHandler`1");
        INamedTypeSymbol? work = compilation.GetTypeByMetadataName("KernelSharp.Tasks.IWorkHandler`1");
        var callbacks = new List<CallbackType>();
        foreach (INamedTypeSymbol type in types)
            foreach (INamedTypeSymbol contract in type.AllInterfaces)
            {
                CallbackKind? kind = SymbolEqualityComparer.Default.Equals(contract.OriginalDefinition, timer) ? CallbackKind.Timer
                    : SymbolEqualityComparer.Default.Equals(contract.OriginalDefinition, work) ? CallbackKind.Work : null;
                if (kind is null || type.IsAbstract)
                    continue;
                if (type.IsGenericType)
                    throw new BuildError($"{Where(type)}: a timer or work handler type cannot be generic: the generated glue calls it by name");
                if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
                    throw new BuildError($"{Where(type)}: a timer or work handler type must be internal or public so the generated entry points can call it");
                callbacks.Add(new CallbackType(Display(type), kind.Value, Display(contract.TypeArguments[0])));
            }
        return callbacks;
    }

    /// <summary>
    /// The operations a type implements: one interface per operation (IRead, IWrite, ...), all
    /// without state or all with the same per-open state (IRead&lt;TState&gt;, ...).
    /// </summary>
    private static FileOperationsType ReadFileOperations(INamedTypeSymbol type, INamedTypeSymbol? disposable)
    {
        FileOperation stateless = FileOperation.None, stateful = FileOperation.None;
        var states = new List<ITypeSymbol>();
        var devices = new List<ITypeSymbol>();
        foreach (INamedTypeSymbol contract in type.AllInterfaces)
        {
            if (contract.ContainingNamespace.ToDisplayString() != "KernelSharp.FileSystem")
                continue;
            if (contract.Name == "IFileOperations" && contract.TypeArguments is [var state])
            {
                if (!states.Contains(state, SymbolEqualityComparer.Default))
                    states.Add(state);
                continue;
            }
            if (contract.Name == "IDeviceFileOperations" && contract.TypeArguments is [var device])
            {
                if (!devices.Contains(device, SymbolEqualityComparer.Default))
                    devices.Add(device);
                continue;
            }
            if (!contract.Name.StartsWith('I') || !Enum.TryParse(contract.Name[1..], out FileOperation operation) || operation == FileOperation.None)
                continue;
            if (contract.IsGenericType)
                stateful |= operation;
            else
                stateless |= operation;
        }
        string where = Where(type);
        if (states.Count > 1)
            throw new BuildError($"{where}: one file operations type has one per-open state type, not {string.Join(" and ", states.Select(s => s.Name))}");
        if (states.Count == 1 && stateless != FileOperation.None)
            throw new BuildError($"{where}: operations with per-open state (IRead<{states[0].Name}>) and without (IRead) cannot mix in one type; give every operation the state");
        if (states.Count == 0)
            return new FileOperationsType(Display(type), stateless);
        ITypeSymbol stateType = states[0];
        if (stateType.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
            throw new BuildError($"{where}: the per-open state {stateType.Name} must be internal or public so the generated entry points can allocate it");
        bool owns = disposable is not null && stateType.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default);
        // A state that holds owned values (a share, a buffer) but cannot be disposed would leak them at every close.
        if (!owns && disposable is not null && new OwnedTypes(disposable).Contains(stateType))
            throw new BuildError($"{where}: the per-open state {stateType.Name} holds owned values but is not IDisposable, so closing a file would never release them; implement IDisposable and dispose them there");
        if (devices.Count > 1)
            throw new BuildError($"{where}: one file operations type opens one kind of device, not {string.Join(" and ", devices.Select(d => d.Name))}");
        return new FileOperationsType(Display(type), stateful, new FileStateType(Display(stateType), owns),
            devices.Count == 1 ? Display(devices[0]) : null);
    }

    private static readonly string[] GplCompatible = ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

    private static ModuleParameter ReadParameter(IFieldSymbol field, AttributeData attribute, INamedTypeSymbol module)
    {
        string where = Where(field);
        if (!field.IsStatic)
            throw new BuildError($"{where}: [ModuleParameter] goes on a static field");
        if (field.IsReadOnly || field.IsConst)
            throw new BuildError($"{where}: a module parameter cannot be readonly or const: the kernel sets it at load (and at run time when writable)");
        if (field.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
            throw new BuildError($"{where}: a module parameter must be internal or public so the generated code can set it");
        ParameterType type = field.Type.SpecialType == SpecialType.System_Boolean ? ParameterType.Bool
            : IntegerParameterType(field.Type)
              ?? throw new BuildError($"{where}: module parameter type {field.Type.ToDisplayString()} is not supported; use bool, byte, short, ushort, int, uint, long or ulong");
        string name = ParameterName(attribute, field.Name, where);
        int permissions = Permissions(attribute, where);
        string description = (string?)attribute.ConstructorArguments[0].Value ?? "";
        long? minimum = NamedValue(attribute, "Minimum") is { } min ? Convert.ToInt64(min) : null;
        long? maximum = NamedValue(attribute, "Maximum") is { } max ? Convert.ToInt64(max) : null;
        if (type == ParameterType.Bool && (minimum is not null || maximum is not null))
            throw new BuildError($"{where}: a bool parameter has no range");
        if (minimum > maximum)
            throw new BuildError($"{where}: Minimum {minimum} is above Maximum {maximum}");
        foreach (string other in new[] { "MaxLength", "MaxCount", "Default" })
            if (NamedValue(attribute, other) is not null)
                throw new BuildError($"{where}: {other} is for string and array parameters (static partial ReadOnlySpan properties)");
        return new ModuleParameter(name, $"{Display(field.ContainingType)}.{field.Name}", type, description, permissions, minimum, maximum);
    }

    private static SpanParameter ReadSpanParameter(IPropertySymbol property, AttributeData attribute)
    {
        string where = Where(property);
        const string Shape = "a string or array parameter is a 'static partial ReadOnlySpan<byte>' (string) or 'static partial ReadOnlySpan<int>' (array; any integer type) property with only a getter";
        if (!property.IsStatic || !property.IsPartialDefinition || property.SetMethod is not null
            || property.Type is not INamedTypeSymbol { Name: "ReadOnlySpan", TypeArguments: [var element] } span
            || span.ContainingNamespace.ToDisplayString() != "System")
            throw new BuildError($"{where}: {Shape}");
        PartialMember member = Member(property, where);
        // Bytes without MaxCount are a string; otherwise the element type makes it an array.
        bool isString = element.SpecialType == SpecialType.System_Byte && NamedValue(attribute, "MaxCount") is null;
        ParameterType? elementType = isString ? null : IntegerParameterType(element) ?? throw new BuildError($"{where}: {Shape}");
        string name = ParameterName(attribute, property.Name, where);
        int permissions = Permissions(attribute, where);
        if ((permissions & 0x92) != 0)
            throw new BuildError($"{where}: a string or array parameter cannot be writable at run time: C# holds spans of its value");
        if (NamedValue(attribute, "Minimum") is not null || NamedValue(attribute, "Maximum") is not null)
            throw new BuildError($"{where}: Minimum and Maximum are for integer fields");
        string description = (string?)attribute.ConstructorArguments[0].Value ?? "";
        string? defaultText = Named(attribute, "Default");
        int capacity;
        if (elementType is null)
        {
            capacity = NamedValue(attribute, "MaxLength") is { } length ? Convert.ToInt32(length) : 0;
            if (capacity is < 1 or > 1024)
                throw new BuildError($"{where}: a string parameter needs MaxLength between 1 and 1024 bytes");
            if (defaultText is not null && System.Text.Encoding.UTF8.GetByteCount(defaultText) > capacity)
                throw new BuildError($"{where}: the default \"{defaultText}\" is longer than MaxLength {capacity}");
        }
        else
        {
            capacity = NamedValue(attribute, "MaxCount") is { } count ? Convert.ToInt32(count) : 0;
            if (capacity is < 1 or > 256)
                throw new BuildError($"{where}: an array parameter needs MaxCount between 1 and 256");
            if (defaultText is not null || NamedValue(attribute, "MaxLength") is not null)
                throw new BuildError($"{where}: Default and MaxLength are for string parameters; an array starts empty");
        }
        return new SpanParameter(name, member, elementType, description, permissions, capacity, defaultText);
    }

    /// <summary>The kernel parameter type of an integer C# type, or null for any other type.</summary>
    private static ParameterType? IntegerParameterType(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Byte => ParameterType.Byte,
        SpecialType.System_Int16 => ParameterType.Short,
        SpecialType.System_UInt16 => ParameterType.UShort,
        SpecialType.System_Int32 => ParameterType.Int,
        SpecialType.System_UInt32 => ParameterType.UInt,
        SpecialType.System_Int64 => ParameterType.Long,
        SpecialType.System_UInt64 => ParameterType.ULong,
        _ => null,
    };

    /// <summary>The attribute's Name, else the member's; either must be a valid kernel parameter name.</summary>
    private static string ParameterName(AttributeData attribute, string memberName, string where)
    {
        string name = Named(attribute, "Name") ?? memberName;
        if (!IsModuleName(name))
            throw new BuildError($"{where}: parameter name \"{name}\" must be of a-z, 0-9 and _, starting with a letter");
        return name;
    }

    private const string SymbolTypeList = "int, uint, long, ulong, nint or nuint";

    private static string SymbolType(ITypeSymbol type, string where, bool voidAllowed)
    {
        string keyword = type.SpecialType switch
        {
            SpecialType.System_Int32 => "int", SpecialType.System_UInt32 => "uint",
            SpecialType.System_Int64 => "long", SpecialType.System_UInt64 => "ulong",
            SpecialType.System_IntPtr => "nint", SpecialType.System_UIntPtr => "nuint",
            SpecialType.System_Void when voidAllowed => "void",
            // Narrower types would cross the C boundary without a defined widening.
            _ => throw new BuildError($"{where}: type {type.ToDisplayString()} cannot cross between modules; use {SymbolTypeList}{(voidAllowed ? " (or void)" : "")}"),
        };
        return keyword;
    }

    private static List<SymbolParameter> SymbolParameters(IMethodSymbol method, string where) =>
        method.Parameters.Select(p => p.RefKind != RefKind.None
            ? throw new BuildError($"{where}: parameter {p.Name} is passed by reference; symbols take values only")
            : new SymbolParameter(SymbolType(p.Type, where, voidAllowed: false), p.Name)).ToList();

    private static ExportedFunction ReadExport(IMethodSymbol method, string symbol)
    {
        string where = Where(method);
        if (!method.IsStatic || method.IsGenericMethod || method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
            throw new BuildError($"{where}: [ExportSymbol] goes on a non-generic static method that is internal or public");
        return new ExportedFunction(symbol, $"{Display(method.ContainingType)}.{method.Name}",
            SymbolType(method.ReturnType, where, voidAllowed: true), SymbolParameters(method, where));
    }

    private static ImportedFunction ReadImport(IMethodSymbol method, string symbol)
    {
        string where = Where(method);
        if (!method.IsStatic || method.IsGenericMethod || method.PartialDefinitionPart is not null || !IsPartialDefinition(method))
            throw new BuildError($"{where}: [ImportSymbol] goes on a 'static partial' method without a body (with its accessibility: 'public static partial int F(int x);')");
        return new ImportedFunction(symbol, Member(method, where), SymbolType(method.ReturnType, where, voidAllowed: true), SymbolParameters(method, where));
    }

    private static bool IsPartialDefinition(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is MethodDeclarationSyntax { Body: null, ExpressionBody: null } syntax
            && syntax.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)));

    private static SharedVariable ReadVariable(IPropertySymbol property, string symbol, bool exported)
    {
        string where = Where(property);
        if (!property.IsStatic || !property.IsPartialDefinition || !property.ReturnsByRef || property.SetMethod is not null)
            throw new BuildError($"{where}: a shared variable is a 'static partial ref int Name {{ get; }}' property (any of {SymbolTypeList})");
        return new SharedVariable(symbol, exported, Member(property, where), SymbolType(property.Type, where, voidAllowed: false));
    }

    // Where a partial member the glue implements is declared.
    private static PartialMember Member(ISymbol member, string where)
    {
        if (member.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected)
            throw new BuildError($"{where}: the member must be internal or public so the generated code can implement it");
        INamedTypeSymbol owner = member.ContainingType;
        if (owner.ContainingType is not null)
            throw new BuildError($"{where}: the member belongs to a top-level type");
        string? ns = owner.ContainingNamespace.IsGlobalNamespace ? null : owner.ContainingNamespace.ToDisplayString();
        return new PartialMember(ns, owner.Name, owner.TypeKind == TypeKind.Struct ? "struct" : "class", member.Name,
            member.DeclaredAccessibility == Accessibility.Public ? "public" : "internal");
    }

    private static bool IsCIdentifier(string name) =>
        name.Length is > 0 and <= 64 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static int Permissions(AttributeData attribute, string where)
    {
        int permissions = NamedValue(attribute, "Permissions") is { } value ? Convert.ToInt32(value) : 0x124;
        if ((permissions & 0x2) != 0 || (permissions & ~0x1B6) != 0)
            throw new BuildError($"{where}: permissions 0{Convert.ToString(permissions, 8)} are refused by the kernel (no execute bits, and no world write)");
        return permissions;
    }

    private static object? NamedValue(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;

    private static bool IsModuleName(string name) =>
        name.Length is > 0 and <= 55 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static string? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    private static INamedTypeSymbol Known(Compilation compilation, string metadataName) =>
        compilation.GetTypeByMetadataName(metadataName)
        ?? throw new BuildError($"{metadataName} not found: is the kernel library reference broken? (rebuild with ./ksharp)");

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
    {
        foreach (INamedTypeSymbol type in ns.GetTypeMembers())
            foreach (INamedTypeSymbol nested in WithNested(type))
                yield return nested;
        foreach (INamespaceSymbol child in ns.GetNamespaceMembers())
            foreach (INamedTypeSymbol type in AllTypes(child))
                yield return type;
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        yield return type;
        foreach (INamedTypeSymbol nested in type.GetTypeMembers())
            foreach (INamedTypeSymbol inner in WithNested(nested))
                yield return inner;
    }

    private static string Display(ISymbol symbol) => symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    private static string Where(ISymbol symbol)
    {
        Location? location = symbol.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null)
            return symbol.Name;
        return SourcePosition.Of(location);
    }
}
