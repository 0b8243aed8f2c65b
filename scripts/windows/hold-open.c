/* Holds a file open as Excel does while it shows it (reading shared, writing and deleting
 * not), for the Wine test of scripts/windows.sh only: danvan.exe must then refuse to replace
 * it with a clear message and leave it whole. Usage: hold-open FILE SECONDS. It prints "held"
 * once the file is open, then waits; never shipped. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hold-open FILE SECONDS\n");
        return 2;
    }
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold-open: cannot open the file (error %lu)\n", GetLastError());
        return 1;
    }
    printf("held\n");
    fflush(stdout);
    Sleep((DWORD)_wtoi(argv[2]) * 1000);
    CloseHandle(file);
    return 0;
}
