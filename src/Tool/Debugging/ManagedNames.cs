using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace KernelSharp.Tool.Debugging;

/// <summary>
/// The C# name (<c>Namespace.Type.Method</c>) of each symbol ILCompiler gave a compiled
/// method. ILCompiler names a type <c>Assembly_Namespace_Type</c> (each character outside
/// [A-Za-z0-9_] an underscore, a nested type <c>Outer_Inner</c>, a repeated name <c>_0</c>,
/// <c>_1</c>, ... in metadata order) and a method <c>TYPE__Method</c> (an overload
/// <c>Method_0</c>, ... in the order the type declares them), with <c>&lt;...&gt;</c> after
/// an instantiated generic type or method. The underscores make that ambiguous to read
/// back, so the names are computed forwards from the assemblies' metadata, as ILCompiler
/// does (NativeAotNameMangler), and matched to the symbols.
/// </summary>
public sealed class ManagedNames
{
    // Mangled type name -> C# type name; mangled type name -> its methods (mangled -> C#).
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _methods = new(StringComparer.Ordinal);

    /// <summary>Names from the given assemblies; <paramref name="systemModule"/> is the one ILCompiler compiled as the core library.</summary>
    public static ManagedNames FromAssemblies(IEnumerable<string> assemblies, string systemModule)
    {
        var names = new ManagedNames();
        foreach (string path in assemblies)
        {
            using var pe = new PEReader(File.OpenRead(path));
            MetadataReader metadata = pe.GetMetadataReader();
            string assembly = metadata.GetString(metadata.GetAssemblyDefinition().Name);
            names.Add(metadata, assembly, assembly == systemModule);
        }
        return names;
    }

    private void Add(MetadataReader metadata, string assembly, bool isSystemModule)
    {
        string prefix = Sanitize(assembly.StartsWith("System.Private.", StringComparison.Ordinal) ? "S.P." + assembly[15..] : assembly);
        var usedTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (TypeDefinitionHandle handle in metadata.TypeDefinitions)
        {
            TypeDefinition type = metadata.GetTypeDefinition(handle);
            string mangled = isSystemModule && WellKnown(metadata, type) is { } shortName ? shortName : prefix + "_" + MangledTypeName(metadata, type);
            mangled = Disambiguate(mangled, usedTypes);
            usedTypes.Add(mangled);
            _types.TryAdd(mangled, CSharpTypeName(metadata, type));
            var usedMethods = new HashSet<string>(StringComparer.Ordinal);
            var methods = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                string name = metadata.GetString(metadata.GetMethodDefinition(methodHandle).Name);
                string method = Disambiguate(Sanitize(name), usedMethods);
                usedMethods.Add(method);
                methods[method] = name;
            }
            _methods.TryAdd(mangled, methods);
        }
    }

    /// <summary>
    /// The C# name of a method's symbol, e.g. <c>CoreChecks.CoreChecksModule.Init</c>; null for a
    /// symbol that is not a method of these assemblies (a runtime helper, a generated stub).
    /// </summary>
    public string? Find(string symbol)
    {
        // The type is the longest known name the symbol starts with, followed by its
        // instantiation (if any) and "__".
        string? best = null;
        int methodStart = -1;
        for (int end = symbol.IndexOf("__", StringComparison.Ordinal); end > 0; end = symbol.IndexOf("__", end + 1, StringComparison.Ordinal))
        {
            string candidate = symbol[..end];
            int generic = candidate.IndexOf('<');
            string typePart = generic > 0 ? candidate[..generic] : candidate;
            if (generic > 0 && !Balanced(candidate[generic..]))
                continue;
            if (_types.ContainsKey(typePart) && (best is null || typePart.Length >= best.Length))
            {
                best = typePart;
                methodStart = end + 2;
            }
        }
        if (best is null)
            return null;
        string method = symbol[methodStart..];
        int instantiation = method.IndexOf('<');
        if (instantiation > 0)
            method = method[..instantiation];
        if (!_methods[best].TryGetValue(method, out string? name))
            return null;
        return $"{_types[best]}.{name}";
    }

    private static bool Balanced(string text)
    {
        int depth = 0;
        foreach (char c in text)
        {
            if (c == '<') depth++;
            else if (c == '>' && --depth < 0) return false;
        }
        return depth == 0;
    }

    private static string MangledTypeName(MetadataReader metadata, TypeDefinition type)
    {
        if (type.GetDeclaringType() is { IsNil: false } outer)
            return MangledTypeName(metadata, metadata.GetTypeDefinition(outer)) + "_" + Sanitize(metadata.GetString(type.Name));
        string ns = metadata.GetString(type.Namespace);
        return (ns.Length > 0 ? Sanitize(ns) + "_" : "") + Sanitize(metadata.GetString(type.Name));
    }

    // Namespace.Outer.Inner, without the generic arity (List`1 is List).
    private static string CSharpTypeName(MetadataReader metadata, TypeDefinition type)
    {
        string name = metadata.GetString(type.Name);
        int tick = name.IndexOf('`');
        if (tick > 0)
            name = name[..tick];
        if (type.GetDeclaringType() is { IsNil: false } outer)
            return CSharpTypeName(metadata, metadata.GetTypeDefinition(outer)) + "." + name;
        string ns = metadata.GetString(type.Namespace);
        return ns.Length > 0 ? ns + "." + name : name;
    }

    // The core library's primitive types have short names (ILCompiler: "one of the well known types").
    private static string? WellKnown(MetadataReader metadata, TypeDefinition type) =>
        metadata.GetString(type.Namespace) != "System" || !type.GetDeclaringType().IsNil ? null : metadata.GetString(type.Name) switch
        {
            "Boolean" => "Bool", "Byte" => "UInt8", "SByte" => "Int8", "UInt16" => "UInt16", "Int16" => "Int16",
            "UInt32" => "UInt32", "Int32" => "Int32", "UInt64" => "UInt64", "Int64" => "Int64", "Char" => "Char",
            "Double" => "Double", "Single" => "Single", "IntPtr" => "IntPtr", "UIntPtr" => "UIntPtr",
            "Object" => "Object", "String" => "String",
            _ => null,
        };

    private static string Disambiguate(string name, HashSet<string> used)
    {
        string result = name;
        for (uint i = 0; used.Contains(result); i++)
            result = $"{name}_{i}";
        return result;
    }

    /// <summary>ILCompiler's identifier rule: ASCII letters, digits (not first: an underscore goes before) and '_' stay, anything else is '_'.</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsAsciiLetter(c) || c == '_')
                builder.Append(c);
            else if (char.IsAsciiDigit(c))
                builder.Append(i == 0 ? "_" : "").Append(c);
            else
            {
                builder.Append('_');
                if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
                    i++;
            }
        }
        return builder.ToString();
    }
}
