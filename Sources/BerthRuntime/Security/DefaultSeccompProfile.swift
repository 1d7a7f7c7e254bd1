extension SeccompProfile {
    /// berth's default: docker's current default profile (moby profiles/seccomp, kernel 6.13
    /// list, io_uring and AF_ALG blocked), with the differences docs/runtime.md lists. Calls
    /// not listed fail with EPERM, calls newer than every listed one with ENOSYS (see
    /// SeccompPrelude); namespace, mount, module, clock, keyring, bpf and tracing calls are
    /// only allowed when the matching capability is granted.
    public static let containerDefault = SeccompProfile(
        defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
        syscalls: [
            Rule(baseAllowList),
            Rule(["process_vm_readv", "process_vm_writev", "ptrace"], includes: Filter(minKernel: "4.8")),
            // 32-bit x86 programs create sockets through socketcall(SYS_SOCKET, …), whose
            // address family sits behind a pointer seccomp cannot read: it would bypass the
            // AF_ALG block below. Docker closes that gap with AppArmor/SELinux rules; berth has
            // no LSM profile, so socketcall(SYS_SOCKET) fails with ENOSYS (SeccompPrelude
            // enforces it; see docs/runtime.md, "Seccomp").
            Rule(
                ["socketcall"], "SCMP_ACT_ERRNO", args: [Argument(index: 0, value: 1, op: "SCMP_CMP_EQ")],
                errnoRet: 38),
            // Every address family except AF_ALG (38, CVE-2026-31431 "Copy Fail") and AF_VSOCK
            // (40): three ranges, since two "!=" conditions on one argument would be ANDed
            // inside one rule and ORed across two rules.
            Rule(["socket"], args: [Argument(index: 0, value: 38, op: "SCMP_CMP_LT")]),
            Rule(["socket"], args: [Argument(index: 0, value: 39, op: "SCMP_CMP_EQ")]),
            Rule(["socket"], args: [Argument(index: 0, value: 40, op: "SCMP_CMP_GT")]),
        ]
            + [0, 8, 0x20000, 0x20008, 0xffff_ffff].map {
                Rule(["personality"], args: [Argument(index: 0, value: $0, op: "SCMP_CMP_EQ")])
            } + [
                Rule(["arch_prctl"], includes: Filter(arches: ["amd64", "x32"])),
                Rule(["modify_ldt"], includes: Filter(arches: ["amd64", "x32", "x86"])),
                Rule(["open_by_handle_at"], includes: Filter(caps: ["CAP_DAC_READ_SEARCH"])),
                Rule(
                    [
                        "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                        "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
                        "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount",
                        "umount2", "unshare",
                    ], includes: Filter(caps: ["CAP_SYS_ADMIN"])),
                // Without CAP_SYS_ADMIN, clone may not ask for any CLONE_NEW* namespace flag.
                Rule(
                    ["clone"], args: [Argument(index: 0, value: 0x7E02_0000, op: "SCMP_CMP_MASKED_EQ")],
                    excludes: Filter(caps: ["CAP_SYS_ADMIN"])),
                // clone3 hides its flags in memory seccomp cannot read: make libc fall back to clone.
                Rule(["clone3"], "SCMP_ACT_ERRNO", excludes: Filter(caps: ["CAP_SYS_ADMIN"]), errnoRet: 38),
                Rule(["reboot"], includes: Filter(caps: ["CAP_SYS_BOOT"])),
                Rule(["chroot"], includes: Filter(caps: ["CAP_SYS_CHROOT"])),
                Rule(["delete_module", "init_module", "finit_module"], includes: Filter(caps: ["CAP_SYS_MODULE"])),
                Rule(["acct"], includes: Filter(caps: ["CAP_SYS_PACCT"])),
                Rule(
                    ["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"],
                    includes: Filter(caps: ["CAP_SYS_PTRACE"])),
                Rule(["iopl", "ioperm"], includes: Filter(caps: ["CAP_SYS_RAWIO"])),
                Rule(
                    ["settimeofday", "stime", "clock_settime", "clock_settime64"],
                    includes: Filter(caps: ["CAP_SYS_TIME"])),
                Rule(["vhangup"], includes: Filter(caps: ["CAP_SYS_TTY_CONFIG"])),
                Rule(
                    ["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"],
                    includes: Filter(caps: ["CAP_SYS_NICE"])),
                Rule(["syslog"], includes: Filter(caps: ["CAP_SYSLOG"])),
                Rule(["bpf"], includes: Filter(caps: ["CAP_BPF"])),
                Rule(["perf_event_open"], includes: Filter(caps: ["CAP_PERFMON"])),
            ])

    /// Calls any unprivileged program needs: file and socket I/O, memory, signals, time,
    /// process and credential queries, IPC.
    static let baseAllowList: [String] =
        ("""
    accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32 clock_adjtime
    clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
    clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create
    epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2
    execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir
    fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork
    fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex
    futex_requeue futex_time64 futex_wait futex_waitv futex_wake futimesat getcpu getcwd getdents getdents64
    getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid
    getpgrp getpid getppid getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit
    get_robust_list getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32
    getxattr getxattrat inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy
    io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit ipc kill
    landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat listen
    listmount listxattr listxattrat llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64
    lsm_get_self_attr lsm_list_modules lsm_set_self_attr madvise map_shadow_stack membarrier memfd_create
    memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr
    mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap
    msgctl msgget msgrcv msgsnd mseal msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat
    _newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free
    pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6
    pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom recvmmsg
    recvmmsg_time64 recvmsg remap_file_pages removexattr removexattrat rename renameat renameat2 restart_syscall
    rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
    rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam
    sched_get_priority_max sched_get_priority_min sched_getscheduler sched_rr_get_interval
    sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield
    seccomp select semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg
    sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid
    setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit
    set_robust_list setsid setsockopt set_thread_area set_tid_address setuid setuid32 setxattr setxattrat shmat
    shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice
    stat stat64 statfs statfs64 statmount statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill
    time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64
    timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate
    truncate64 ugetrlimit umask uname unlink unlinkat uretprobe utime utimensat utimensat_time64 utimes vfork
    vmsplice wait4 waitid waitpid write writev
    """).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
}

extension SeccompProfile.Argument {
    init(index: UInt32, value: UInt64, op: String) {
        self.index = index
        self.value = value
        self.op = op
    }
}
