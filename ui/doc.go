// Package ui is fbllm's terminal user interface: the first-run setup, the
// guided configuration form, the keyring passphrase prompt and the
// keyboard-driven browser, built on Bubble Tea v2.
//
// ui is the only package that imports Bubble Tea. App (app.go) is the only
// tea.Model; screens are concrete structs with Update and View methods that
// return intent messages for App to route. Every side effect — disk, keyring,
// clock — runs in a tea.Cmd built in commands.go, so Update and View stay
// pure and the UI never blocks on a slow keyring.
//
// Colour never carries meaning alone: markers and words go with it, so the
// UI reads the same under NO_COLOR and on light or dark backgrounds.
package ui
