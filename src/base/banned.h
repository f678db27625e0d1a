/* banned.h - libc calls stepbook never uses.
 * Included last by every .c file: unbounded string copies are memory bugs
 * waiting for input, and wall-clock time or libc randomness would make output
 * differ between two runs on the same input.  The clock and RNG modules define
 * STEPBOOK_ALLOW_TIME before including this file. */
#ifndef STEPBOOK_BANNED_H
#define STEPBOOK_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef gmtime
#define gmtime(t) BANNED(gmtime)

#ifndef STEPBOOK_ALLOW_TIME
#undef time
#define time(t) BANNED(time)
#undef rand
#define rand() BANNED(rand)
#undef srand
#define srand(s) BANNED(srand)
#endif

#endif
