// SPDX-License-Identifier: GPL-2.0
/*
 * Checks that the FPU and vector registers of processes survive context
 * switches: several processes run the same floating-point and vector
 * computation, yielding to each other between steps, and must all get the
 * result computed before any switch.  Run inside UML by tests/fpu.sh, with
 * the FPU state sized from the host and with an AMX-sized allocation.
 * Prints "fpu_check: ok" or what differed; exits 0 when all agree.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEPS 2000
#define PROCS 4

typedef double v4d __attribute__((vector_size(32)));

static double compute(int seed, int yield)
{
	/* Volatile-free: the values must live in registers across yields. */
	v4d acc = { seed, seed + 0.5, seed + 0.25, seed + 0.125 };
	v4d mul = { 1.0000001, 0.9999999, 1.0000003, 0.9999997 };
	double x = seed * 0.001;
	int i;

	for (i = 0; i < STEPS; i++) {
		acc = acc * mul + (v4d){ x, -x, x * 0.5, -x * 0.5 };
		x = x * 1.0000001 + 0.5 / (i + 1);
		if (yield)
			sched_yield();
	}
	return acc[0] + acc[1] * 3 + acc[2] * 5 + acc[3] * 7 + x;
}

int main(void)
{
	int fds[PROCS][2], i, bad = 0;
	pid_t pids[PROCS];

	for (i = 0; i < PROCS; i++) {
		if (pipe(fds[i]))
			return 2;
		pids[i] = fork();
		if (pids[i] < 0)
			return 2;
		if (pids[i] == 0) {
			double r = compute(i + 1, 1);

			if (write(fds[i][1], &r, sizeof(r)) != sizeof(r))
				_exit(2);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (i = 0; i < PROCS; i++) {
		double got, want = compute(i + 1, 0);
		int status;

		if (read(fds[i][0], &got, sizeof(got)) != sizeof(got)) {
			printf("fpu_check: process %d gave no result\n", i);
			bad = 1;
		} else if (memcmp(&got, &want, sizeof(got))) {
			printf("fpu_check: process %d: %.17g, want %.17g\n", i, got, want);
			bad = 1;
		}
		waitpid(pids[i], &status, 0);
	}
	puts(bad ? "fpu_check: FAILED" : "fpu_check: ok");
	return bad;
}
