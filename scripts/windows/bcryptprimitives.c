/* A stand-in for Windows' bcryptprimitives.dll, for the Wine test of scripts/windows.sh only.
 *
 * Rust's standard library (1.78 and later) takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has but Debian's Wine 8 lacks, so
 * danvan.exe would not start under it. This DLL exports ProcessPrng and forwards it to
 * RtlGenRandom (SystemFunction036 in advapi32), which Wine has. scripts/windows.sh builds it
 * with mingw and puts it beside the copy of danvan.exe it tests; it is never shipped:
 * scripts/release.sh packs danvan.exe alone, which uses the real DLL on Windows. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Fills `data` with `len` random bytes. RtlGenRandom takes a 32-bit length, so a longer
 * request is served in pieces. ProcessPrng always returns TRUE on Windows; here a failure of
 * RtlGenRandom is passed on rather than returning bytes that are not random. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG piece = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, piece)) {
            return FALSE;
        }
        data += piece;
        len -= piece;
    }
    return TRUE;
}
