// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

//go:build race

package storage

const raceEnabled = true
