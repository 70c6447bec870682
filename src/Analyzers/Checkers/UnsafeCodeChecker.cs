using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelSharp.Analyzers;

/// <summary>
/// Driver code without <c>unsafe</c> cannot corrupt the kernel (architecture rule 5), so
/// <c>unsafe</c> needs an explicit opt-in, <c>[assembly: KernelSharp.AllowUnsafeCode]</c>:
/// without it each <c>unsafe</c> keyword is an error (KS0003), with it a warning (KS0004).
/// The keyword is the whole of it: the C# compiler refuses pointers, <c>fixed</c> and
/// address-of anywhere else.
/// </summary>
public static class UnsafeCodeChecker
{
    /// <summary>Each unsafe keyword and [UnsafeApi] call: KS0003 errors, or KS0004 warnings once the driver opted in.</summary>
    public static List<Finding> Check(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        bool optedIn = compilation.Assembly.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "KernelSharp.AllowUnsafeCodeAttribute");
        var found = driverTrees.SelectMany(tree => tree.GetRoot().DescendantTokens().Where(t => t.IsKind(SyntaxKind.UnsafeKeyword)))
            .Select(token => (Where: token.GetLocation(), What: What(token)))
            .Concat(UnsafeApiCalls(compilation, driverTrees));
        return Finding.InSourceOrder(found.Select(f => optedIn
            ? new Finding(Rules.UnsafeCodeReview, f.Where, $"unsafe {f.What}: this code can corrupt kernel memory; keep it small and reviewed")
            : new Finding(Rules.UnsafeCode, f.Where, $"unsafe {f.What}: driver code is unsafe only by choice; use the library's safe types, or opt in with [assembly: KernelSharp.AllowUnsafeCode]")));
    }

    // Calls of library members marked [UnsafeApi]: unsafe in effect, without the keyword.
    private static IEnumerable<(Location Where, string What)> UnsafeApiCalls(Compilation compilation, IEnumerable<SyntaxTree> driverTrees)
    {
        foreach (SyntaxTree tree in driverTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (var call in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>())
                if (model.GetSymbolInfo(call).Symbol is IMethodSymbol method
                    && method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "KernelSharp.UnsafeApiAttribute") is { } marked)
                    yield return (call.GetLocation(), $"call of '{method.ContainingType.Name}.{method.Name}' ({marked.ConstructorArguments[0].Value})");
        }
    }

    private static string What(SyntaxToken token) => token.Parent switch
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.UnsafeStatementSyntax => "block",
        Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax method => $"method '{method.Identifier.Text}'",
        Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax type => $"type '{type.Identifier.Text}'",
        Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property => $"property '{property.Identifier.Text}'",
        _ => "member",
    };
}
