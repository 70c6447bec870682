#nullable disable // also compiled into the host tests, where nullable analysis is on
// Errors (<uapi/asm-generic/errno-base.h>, <linux/errno.h>): one type holding a negative
// errno, named as the kernel names them, turned into a C return value only at the border.
using System;
using System.Runtime.CompilerServices;

namespace KernelSharp
{
    /// <summary>A kernel error: a negative errno such as <c>-EBUSY</c>.</summary>
    public readonly struct Error : IUtf8SpanFormattable
    {
        private readonly int _negativeErrno;

        private Error(int negativeErrno) { _negativeErrno = negativeErrno; }

        /// <summary>The negative errno the kernel expects from a failing call, e.g. -16 for EBUSY.</summary>
        public int Errno => _negativeErrno;

        /// <summary>Makes an error from a negative errno; anything else is a bug in the caller.</summary>
        public static Error FromErrno(int negativeErrno)
        {
            if (negativeErrno >= 0 || negativeErrno < -4095)
                Environment.FailFast("ArgumentOutOfRangeException: an errno is between -4095 and -1");
            return new Error(negativeErrno);
        }

        public static Error EPERM => new(-1);
        public static Error ENOENT => new(-2);
        public static Error EINTR => new(-4);
        public static Error EIO => new(-5);
        public static Error ENXIO => new(-6);
        public static Error E2BIG => new(-7);
        public static Error EAGAIN => new(-11);
        public static Error ENOMEM => new(-12);
        public static Error EACCES => new(-13);
        public static Error EFAULT => new(-14);
        public static Error EBUSY => new(-16);
        public static Error EEXIST => new(-17);
        public static Error ENODEV => new(-19);
        public static Error EINVAL => new(-22);
        public static Error ENFILE => new(-23);
        public static Error ENOTTY => new(-25);
        public static Error EFBIG => new(-27);
        public static Error ENOSPC => new(-28);
        public static Error ESPIPE => new(-29);
        public static Error ERANGE => new(-34);
        public static Error ENOSYS => new(-38);
        public static Error EOVERFLOW => new(-75);
        public static Error ERESTARTSYS => new(-512);

        // Names as data, not a switch: a dense switch compiles to a jump table, an indirect
        // branch, which compiled C# avoids (no ENDBR landing pads). Entry = offset << 4 | length.
        private static ReadOnlySpan<byte> NameText => "EPERMENOENTEINTREIOENXIOE2BIGEAGAINENOMEMEACCESEFAULTEBUSYEEXISTENODEVEINVALENFILEENOTTYEFBIGENOSPCESPIPEERANGEENOSYSEOVERFLOW"u8;
        private static ReadOnlySpan<ushort> NameIndex => [0, 5, 86, 0, 181, 259, 309, 389, 0, 0, 0, 470, 566, 662, 758, 0, 853, 934, 0, 1030, 0, 0, 1126, 1222, 0, 1318, 0, 1413, 1494, 1590, 0, 0, 0, 0, 1686, 0, 0, 0, 1782, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1881];

        /// <summary>The kernel's name for this error ("EBUSY"), or empty when it has none here.</summary>
        public ReadOnlySpan<byte> Name
        {
            get
            {
                int errno = -_negativeErrno;
                if (errno == 512)
                    return "ERESTARTSYS"u8;
                if ((uint)errno >= (uint)NameIndex.Length || NameIndex[errno] == 0)
                    return default;
                int entry = NameIndex[errno];
                return NameText.Slice(entry >> 4, entry & 0xF);
            }
        }

        public static bool operator ==(Error left, Error right) => left._negativeErrno == right._negativeErrno;
        public static bool operator !=(Error left, Error right) => left._negativeErrno != right._negativeErrno;
        public override bool Equals(object obj) => false;
        public override int GetHashCode() => _negativeErrno;

        /// <summary>Formats as "EBUSY (-16)", or "error -N" for errnos without a name here.</summary>
        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider provider)
        {
            var text = new Text.Utf8Builder(utf8Destination);
            ReadOnlySpan<byte> name = Name;
            if (name.IsEmpty)
            {
                text.Append("error "u8);
                text.Append(_negativeErrno);
            }
            else
            {
                text.Append(name);
                text.Append(" ("u8);
                text.Append(_negativeErrno);
                text.Append(")"u8);
            }
            bytesWritten = text.Length;
            return !text.Overflowed;
        }
    }

    /// <summary>Success, or an <see cref="Error"/>. The default value is success.</summary>
    public readonly struct Result
    {
        private readonly int _negativeErrno;

        private Result(int negativeErrno) { _negativeErrno = negativeErrno; }

        public static Result Ok => default;
        public bool IsOk => _negativeErrno == 0;
        public bool Failed => _negativeErrno != 0;

        /// <summary>The error; calling this on success is a bug.</summary>
        public Error Error
        {
            get
            {
                if (_negativeErrno == 0)
                    Environment.FailFast("InvalidOperationException: Result.Error read on success");
                return Error.FromErrno(_negativeErrno);
            }
        }

        /// <summary>0 on success, else the negative errno: what a C callback returns.</summary>
        public int ToErrno() => _negativeErrno;

        public static implicit operator Result(Error error) => new(error.Errno);
    }

    /// <summary>A value, or an <see cref="Error"/>.</summary>
    public readonly struct Result<T>
    {
        private readonly T _value;
        private readonly int _negativeErrno;

        private Result(T value, int negativeErrno) { _value = value; _negativeErrno = negativeErrno; }

        public bool IsOk => _negativeErrno == 0;
        public bool Failed => _negativeErrno != 0;

        /// <summary>The value; reading it from a failed result is a bug.</summary>
        public T Value
        {
            get
            {
                if (_negativeErrno != 0)
                    Environment.FailFast("InvalidOperationException: Result.Value read from a failure");
                return _value;
            }
        }

        public Error Error
        {
            get
            {
                if (_negativeErrno == 0)
                    Environment.FailFast("InvalidOperationException: Result.Error read on success");
                return Error.FromErrno(_negativeErrno);
            }
        }

        public bool TryGetValue(out T value)
        {
            value = _value;
            return _negativeErrno == 0;
        }

        /// <summary>0 on success, else the negative errno: for the entry points, without the checks of <see cref="Error"/>.</summary>
        internal int NegativeErrno => _negativeErrno;

        public static implicit operator Result<T>(T value) => new(value, 0);
        public static implicit operator Result<T>(Error error) => new(default, error.Errno);
    }
}
