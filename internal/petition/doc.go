// Package petition owns the case a citizen or business brings to the
// agency: its kinds (kiến nghị, phản ánh, khiếu nại, tố cáo), the public
// intake with its validation and abuse rules, the tracking code and secret,
// the public timeline, answers, ratings and disputes.
//
// The petitioner's identity (name, phone, e-mail, address) is kept apart
// from the working case file for every kind, because a denouncer's identity
// is secret by law (Luật Tố cáo 25/2018/QH14 Art. 8(3), 9, 47, 56). Nothing
// in this package logs it or puts it in an error.
//
// The package is pure domain: no echo, no gorm. It persists through [Store]
// and stores files through [Files]; due times come from a [DueCalculator]
// that main wires to the deadline engine.
package petition
