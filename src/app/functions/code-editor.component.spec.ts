import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { EditorView } from '@codemirror/view';
import { CodeEditorComponent, CodeLanguage, CodeMarker, languageOf } from './code-editor.component';

@Component({
  standalone: true,
  imports: [ReactiveFormsModule, CodeEditorComponent],
  template: `<vsl-code-editor [formControl]="code" [language]="language" [marker]="marker" testId="code" />`,
})
class HostComponent {
  code = new FormControl('', { nonNullable: true });
  language: CodeLanguage = 'javascript';
  marker: CodeMarker | null = null;
}

describe('CodeEditorComponent', () => {
  function create(code: string): { host: HostComponent; root: HTMLElement; view: EditorView; detect: () => void } {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.componentInstance.code.setValue(code);
    fixture.detectChanges();
    const root = fixture.nativeElement as HTMLElement;
    const view = EditorView.findFromDOM(root.querySelector('.cm-editor') as HTMLElement)!;
    return { host: fixture.componentInstance, root, view, detect: () => fixture.detectChanges() };
  }

  it('shows the form value with line numbers and hands edits back to the form', () => {
    const { host, root, view } = create('const a = 1;\nmodule.exports = async () => a;\n');
    expect(root.querySelector('[data-test="code-input"]')?.textContent).toContain('module.exports = async () => a;');
    const gutters = Array.from(root.querySelectorAll('.cm-lineNumbers .cm-gutterElement')).map((e) => e.textContent);
    expect(gutters).toContain('2');

    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'module.exports = 42;' } });
    expect(host.code.value).toBe('module.exports = 42;');

    host.code.setValue('// replaced');
    expect(view.state.doc.toString()).toBe('// replaced');
  });

  it('marks a build error at its line and column, and clears it when the error goes away', () => {
    const { host, root, detect } = create('module.exports = async (event) => {\n  return { statusCode: 200, body: ( };\n};\n');
    expect(root.querySelector('.cm-lintRange-error')).toBeNull();

    host.marker = { message: 'Unexpected token }', line: 2, column: 37 };
    detect();
    const marked = root.querySelector('.cm-lintRange-error') as HTMLElement;
    expect(marked).not.toBeNull();
    const lines = Array.from(root.querySelectorAll('.cm-content .cm-line'));
    expect(lines.indexOf(marked.closest('.cm-line') as Element)).toBe(1);
    expect(marked.textContent).toBe('};');
    expect(root.querySelector('.cm-lint-marker-error')).not.toBeNull();

    host.marker = null;
    detect();
    expect(root.querySelector('.cm-lintRange-error')).toBeNull();
  });

  it('highlights Python for a python runtime and JavaScript otherwise', () => {
    expect(languageOf('python3')).toBe('python');
    expect(languageOf('nodejs20')).toBe('javascript');
    const { host, root, detect } = create('def handle(event, context):\n    return {"statusCode": 200}\n');
    host.language = 'python';
    detect();
    expect(root.querySelector('[data-test="code"]')?.getAttribute('data-language')).toBe('python');
    // Highlighted tokens are spans with classes inside the line; "def" is a keyword in Python only.
    const styled = Array.from(root.querySelectorAll('.cm-line span')).map((s) => s.textContent);
    expect(styled).toContain('def');
  });

  it("follows the portal's dark theme with a dark editor background, and back to light", async () => {
    const { root } = create('module.exports = 1;');
    const editor = root.querySelector('.cm-editor') as HTMLElement;
    const brightness = (): number => {
      const [r, g, b] = (getComputedStyle(editor).backgroundColor.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
      return (r + g + b) / 3;
    };
    const light = brightness();
    document.body.setAttribute('cds-theme', 'dark');
    try {
      await new Promise((resolve) => setTimeout(resolve)); // MutationObserver callbacks run as microtasks
      expect(brightness()).toBeLessThan(100);
      expect(light).toBeGreaterThan(100);
    } finally {
      document.body.removeAttribute('cds-theme');
    }
    await new Promise((resolve) => setTimeout(resolve));
    expect(brightness()).toBe(light);
  });
});
