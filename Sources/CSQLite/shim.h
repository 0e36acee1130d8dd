#include <sqlite3.h>
#include <sys/mman.h>

/// SQLite's unix VFS maps the database file with this `mmap` (see hookline_sqlite_configure).
/// The mapping is advised MADV_RANDOM: a page request reads a few dozen scattered pages, so when
/// they are not in the page cache the kernel reads just those instead of reading ahead around
/// each. (Pages already cached are still mapped 16 at a time around each touched one — the
/// kernel's fault-around — which shows as RSS but costs no I/O and no private memory.)
static void *hookline_mmap_random(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    void *mapped = mmap(address, length, protection, flags, fd, offset);
    if (mapped != MAP_FAILED) {
        madvise(mapped, length, MADV_RANDOM);
    }
    return mapped;
}

/// Sets SQLite up for Hookline's processes; call once, before the first connection opens.
/// Memory statistics off (nothing reads them, and keeping them takes a mutex on every one of the
/// ~2,000 allocations of a page request), and hookline_mmap_random installed in the default VFS
/// (sqlite3_vfs.xSetSystemCall, "mmap"). Returns SQLITE_OK, or an error when the VFS does not
/// take system call overrides.
static inline int hookline_sqlite_configure(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_vfs *vfs = sqlite3_vfs_find(0);
    if (vfs == 0 || vfs->iVersion < 3 || vfs->xSetSystemCall == 0) {
        return SQLITE_ERROR;
    }
    return vfs->xSetSystemCall(vfs, "mmap", (sqlite3_syscall_ptr)hookline_mmap_random);
}
