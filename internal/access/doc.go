// Package access owns who may do what in phucdap: staff accounts and their
// roles, the one policy function that decides each permission ([Can]), the
// case scope a list query must apply ([ListScope]), password hashing and
// lockout, server-side sessions, API tokens, and the secrecy of a
// denouncer's identity ([ViewIdentity], [Service.RevealIdentity]).
//
// It is a domain package: no echo, no gorm. The store implements [Store];
// package accesshttp turns sessions and tokens into an [Actor] on each
// request and guards routes with [Can].
//
// Why one policy function: the law punishes a leak of a denouncer's identity
// by whoever let it out (Luật Tố cáo Art. 8(3), 47, 56; NĐ 156/2026 Art. 6),
// so every handler, page and query asks the same function, and a table test
// pins its answers.
package access
