// SPDX-License-Identifier: GPL-2.0
/*
 * Prints what the host reports about a thread's FPU state:
 *   "ptrace N cpuid M"
 * N: the bytes PTRACE_GETREGSET(NT_X86_XSTATE) transfers for a traced child
 * (what UML must use), M: the XSAVE area size for the features enabled in
 * XCR0 (CPUID leaf 0xd, EBX).  tests/fpu.sh compares them with what the
 * patched UML prints at boot.
 */
#include <cpuid.h>
#include <linux/elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	static char buf[64 * 1024];
	struct iovec iov = { buf, sizeof(buf) };
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
	long ret;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, NULL, 0) != pid)
		return 1;
	ret = ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (__get_cpuid_max(0, NULL) >= 0xd)
		__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	printf("ptrace %zu cpuid %u\n", ret == 0 ? iov.iov_len : 0, ebx);
	return 0;
}
