// Package forms is the configuration form as huh fields: one question per
// page, the review step and the accessible (line-by-line) variant.
//
// The rules the form applies live in package input, which is pure and
// imports no charm.land package, so that diagnose and session can share
// them without pulling in huh, Bubble Tea or Lip Gloss. This package only
// binds those rules to fields; the UI applies its theme and key map.
package forms
