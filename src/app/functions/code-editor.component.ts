import {
  AfterViewInit, ChangeDetectionStrategy, Component, ElementRef, Input, OnChanges, OnDestroy, SimpleChanges, ViewChild, forwardRef,
} from '@angular/core';
import { ControlValueAccessor, NG_VALUE_ACCESSOR } from '@angular/forms';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { HighlightStyle, bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, Extension } from '@codemirror/state';
import { oneDarkHighlightStyle, oneDarkTheme } from '@codemirror/theme-one-dark';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';

export type CodeLanguage = 'javascript' | 'python';

/** A build error to mark in the code: 1-based line, 1-based column (optional). */
export interface CodeMarker {
  message: string;
  line?: number;
  column?: number;
}

/** The language of a runtime's handler code. */
export function languageOf(runtime: string | null | undefined): CodeLanguage {
  return runtime?.startsWith('python') ? 'python' : 'javascript';
}

/** Whether the host portal shows Clarity's dark theme (`cds-theme="dark"` on body or html). */
function isDarkTheme(): boolean {
  return [document.body, document.documentElement].some((el) => el?.getAttribute('cds-theme') === 'dark');
}

const lightBackground = EditorView.theme({ '&': { backgroundColor: 'var(--cds-alias-object-container-background, #fff)' } });

/**
 * One Dark's colours with three lightened: its coral (names), violet (keywords) and grey (comments) fall below
 * 4.5:1 on Clarity's dark background with the active line's highlight (4.1, 4.4, 3.6; axe in e2e/a11y.spec.ts).
 */
const LIGHTER: Record<string, string> = { '#e06c75': '#ef8f97', '#c678dd': '#d291e4', '#7d8799': '#a0a9b8' };
const darkHighlight = HighlightStyle.define(
  oneDarkHighlightStyle.specs.map((spec) => (typeof spec.color === 'string' && LIGHTER[spec.color] ? { ...spec, color: LIGHTER[spec.color] } : spec)),
);

/** One Dark (readable on Clarity's dark theme) or CodeMirror's default highlighting on light. */
function themeFor(dark: boolean): Extension {
  return dark ? [oneDarkTheme, syntaxHighlighting(darkHighlight)] : [syntaxHighlighting(defaultHighlightStyle, { fallback: true }), lightBackground];
}

/** Colours from Clarity's variables, so the editor follows the portal's light or dark theme. */
const clarityTheme = EditorView.theme({
  '&': {
    border: '1px solid var(--cds-alias-object-border-color, #b3b3b3)',
    borderRadius: '3px',
    fontSize: '13px',
    minHeight: '12rem',
  },
  '.cm-scroller': { fontFamily: 'var(--cds-global-typography-monospace-font-family, monospace)', minHeight: '12rem', maxHeight: '32rem' },
  '&.cm-focused': { outline: '2px solid var(--cds-alias-object-interaction-outline, #0079b8)' },
});

/**
 * The code editor (CodeMirror 6): JavaScript or Python highlighting, line numbers, a build error marked at its
 * line and column. A form control: `formControlName="code"`.
 */
@Component({
  selector: 'vsl-code-editor',
  standalone: true,
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: NG_VALUE_ACCESSOR, useExisting: forwardRef(() => CodeEditorComponent), multi: true }],
  template: `<div #host class="code-editor" [attr.data-test]="testId" [attr.data-language]="language"></div>`,
  styles: [`:host { display: block; } .code-editor { width: 100%; }`],
})
export class CodeEditorComponent implements ControlValueAccessor, AfterViewInit, OnChanges, OnDestroy {
  @Input() language: CodeLanguage = 'javascript';
  /** The build error to mark, or null. */
  @Input() marker: CodeMarker | null = null;
  @Input() readonly = false;
  /** data-test of the editor's box; the editable content gets `${testId}-input`. */
  @Input() testId = 'code-editor';

  @ViewChild('host', { static: true }) private readonly host!: ElementRef<HTMLElement>;

  private view?: EditorView;
  private value = '';
  private readonly languageConf = new Compartment();
  private readonly readonlyConf = new Compartment();
  private readonly themeConf = new Compartment();
  private themeObserver?: MutationObserver;
  private onChange: (value: string) => void = () => undefined;
  private onTouched: () => void = () => undefined;

  ngAfterViewInit(): void {
    this.view = new EditorView({
      parent: this.host.nativeElement,
      state: EditorState.create({ doc: this.value, extensions: this.extensions() }),
    });
    this.showMarker();
    // The portal switches light/dark at runtime (cds-theme on body): follow it.
    this.themeObserver = new MutationObserver(() => this.view?.dispatch({ effects: this.themeConf.reconfigure(themeFor(isDarkTheme())) }));
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['cds-theme'] });
  }

  ngOnChanges(changes: SimpleChanges): void {
    if (!this.view) return;
    if (changes['language']) this.view.dispatch({ effects: this.languageConf.reconfigure(this.languageSupport()) });
    if (changes['readonly']) this.view.dispatch({ effects: this.readonlyConf.reconfigure(EditorState.readOnly.of(this.readonly)) });
    if (changes['marker']) this.showMarker();
  }

  ngOnDestroy(): void {
    this.themeObserver?.disconnect();
    this.view?.destroy();
  }

  writeValue(value: string | null): void {
    this.value = value ?? '';
    const view = this.view;
    if (view && view.state.doc.toString() !== this.value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: this.value } });
      this.showMarker();
    }
  }

  registerOnChange(fn: (value: string) => void): void {
    this.onChange = fn;
  }

  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }

  setDisabledState(disabled: boolean): void {
    this.readonly = disabled;
    this.view?.dispatch({ effects: this.readonlyConf.reconfigure(EditorState.readOnly.of(disabled)) });
  }

  /** The editor's current text (for tests and callers without a form). */
  get text(): string {
    return this.view?.state.doc.toString() ?? this.value;
  }

  private extensions(): Extension[] {
    return [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      lintGutter(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      this.themeConf.of(themeFor(isDarkTheme())),
      clarityTheme,
      this.languageConf.of(this.languageSupport()),
      this.readonlyConf.of(EditorState.readOnly.of(this.readonly)),
      EditorView.contentAttributes.of({ 'data-test': `${this.testId}-input`, 'aria-label': 'code', spellcheck: 'false' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          this.value = update.state.doc.toString();
          this.onChange(this.value);
        }
        if (update.focusChanged && !update.view.hasFocus) this.onTouched();
      }),
    ];
  }

  private languageSupport(): Extension {
    return this.language === 'python' ? python() : javascript();
  }

  /** Marks the build error from its column to the end of its line (the whole line when no column). */
  private showMarker(): void {
    const view = this.view;
    if (!view) return;
    const diagnostics: Diagnostic[] = [];
    const marker = this.marker;
    if (marker?.line && marker.line >= 1) {
      const doc = view.state.doc;
      const line = doc.line(Math.min(marker.line, doc.lines));
      const from = Math.min(line.from + Math.max((marker.column ?? 1) - 1, 0), line.to);
      const to = from < line.to ? line.to : Math.min(from + 1, doc.length);
      diagnostics.push({ from, to: Math.max(to, from), severity: 'error', message: marker.message });
    }
    view.dispatch(setDiagnostics(view.state, diagnostics));
  }
}
