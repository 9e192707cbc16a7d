package main

// This is the only file that knows survey: the wizard talks to the small
// Prompter interface, so it is tested with a fake and the library could be
// swapped.

import (
	"errors"
	"io"
	"os"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// Prompter asks the wizard's questions. Each question has a one-line help
// shown on '?'. A cancelled question (Ctrl-C, Esc) returns errInterrupted.
type Prompter interface {
	Select(message, help string, options []string, describe func(string) string, def string) (string, error)
	// MultiSelect's validate, when not nil, judges the chosen options.
	MultiSelect(message, help string, options []string, defaults []string, validate func([]string) error) ([]string, error)
	Input(message, help, def string, validate func(string) error) (string, error)
	Confirm(message, help string, def bool) (bool, error)
}

// errInterrupted is a question cancelled by the user.
var errInterrupted = errors.New("interrupted")

type surveyPrompter struct {
	opts []survey.AskOpt
}

// newSurveyPrompter prompts on the given terminal files. NO_COLOR turns
// colours off (https://no-color.org).
func newSurveyPrompter(in, out *os.File, errOut io.Writer) Prompter {
	if os.Getenv("NO_COLOR") != "" {
		core.DisableColor = true
	}
	return &surveyPrompter{opts: []survey.AskOpt{survey.WithStdio(escToInterrupt{in}, out, errOut)}}
}

func (p *surveyPrompter) ask(q survey.Prompt, answer any, extra ...survey.AskOpt) error {
	err := survey.AskOne(q, answer, append(append([]survey.AskOpt{}, p.opts...), extra...)...)
	if errors.Is(err, terminal.InterruptErr) {
		return errInterrupted
	}
	return err
}

func (p *surveyPrompter) Select(message, help string, options []string, describe func(string) string, def string) (string, error) {
	var answer string
	q := &survey.Select{Message: message, Help: help, Options: options, Default: def}
	if describe != nil {
		q.Description = func(value string, _ int) string { return describe(value) }
	}
	return answer, p.ask(q, &answer)
}

func (p *surveyPrompter) MultiSelect(message, help string, options []string, defaults []string, validate func([]string) error) ([]string, error) {
	var answer []string
	q := &survey.MultiSelect{Message: message, Help: help, Options: options, Default: defaults}
	var extra []survey.AskOpt
	if validate != nil {
		// survey hands a MultiSelect's validator the chosen options.
		extra = append(extra, survey.WithValidator(func(v any) error {
			list, _ := v.([]core.OptionAnswer)
			var chosen []string
			for _, o := range list {
				chosen = append(chosen, o.Value)
			}
			return validate(chosen)
		}))
	}
	return answer, p.ask(q, &answer, extra...)
}

func (p *surveyPrompter) Input(message, help, def string, validate func(string) error) (string, error) {
	var answer string
	q := &survey.Input{Message: message, Help: help, Default: def}
	return answer, p.ask(q, &answer, survey.WithValidator(func(v any) error { return validate(v.(string)) }))
}

func (p *surveyPrompter) Confirm(message, help string, def bool) (bool, error) {
	var answer bool
	return answer, p.ask(&survey.Confirm{Message: message, Help: help, Default: def}, &answer)
}

// escToInterrupt makes Esc cancel a question as Ctrl-C does: survey reads
// Esc as a vim-mode toggle. In raw mode a lone Esc key arrives as a read of
// one byte, while arrow keys arrive as one read of a whole escape sequence.
type escToInterrupt struct{ *os.File }

func (r escToInterrupt) Read(b []byte) (int, error) {
	n, err := r.File.Read(b)
	if n == 1 && b[0] == terminal.KeyEscape {
		b[0] = terminal.KeyInterrupt
	}
	return n, err
}
