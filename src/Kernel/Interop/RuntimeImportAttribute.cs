namespace System.Runtime
{
    // ILCompiler turns an InternalCall method carrying this attribute (matched by name) into a
    // direct call to the named native symbol: no P/Invoke frame, no GC poll, no marshalling.
    // That is what a shim call must cost, so the raw layer uses it instead of DllImport.
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class RuntimeImportAttribute : Attribute
    {
        public RuntimeImportAttribute(string lib, string entry) { }
    }
}
