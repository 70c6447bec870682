// Ownership of kernel resources held in structs (PortRegion, MiscDevice, KernelBuffer, and
// any disposable struct a driver writes). A copy of such a value would release the resource
// twice, so ksharp refuses copies in driver code (error KS0001) and moves go through Take.
namespace KernelSharp
{
    public static class Owned
    {
        /// <summary>
        /// Moves an owned value out of <paramref name="owner"/>, which is left empty: exactly one
        /// place holds the resource afterwards. <c>s_ports = Owned.Take(ref ports);</c>
        /// </summary>
        public static T Take<T>(ref T owner) where T : struct, System.IDisposable
        {
            T value = owner;
            owner = default;
            return value;
        }
    }
}
