import { ComponentFixture, TestBed } from '@angular/core/testing';
import { providePluginTesting } from '../../testing/plugin-testing';
import { EnvSecretsChange, EnvSecretsEditorComponent } from './env-secrets-editor.component';

describe('EnvSecretsEditorComponent', () => {
  let root: HTMLElement;
  let detect: () => void;
  let saved: EnvSecretsChange[];
  let fixture: ComponentFixture<EnvSecretsEditorComponent>;
  const all = (test: string): HTMLInputElement[] => Array.from(root.querySelectorAll<HTMLInputElement>(`[data-test="${test}"]`));
  const el = (test: string): HTMLElement => root.querySelector<HTMLElement>(`[data-test="${test}"]`) as HTMLElement;
  const type = (input: HTMLInputElement, value: string): void => {
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: providePluginTesting() });
    fixture = TestBed.createComponent(EnvSecretsEditorComponent);
    fixture.componentRef.setInput('env', { GREETING: 'hi' });
    fixture.componentRef.setInput('secretNames', ['API_KEY', 'OLD_TOKEN']);
    saved = [];
    fixture.componentInstance.save.subscribe((change) => saved.push(change));
    fixture.detectChanges();
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
  });

  it('shows env values but only the names of secrets, each marked "set"', () => {
    expect(all('env-name').map((i) => i.value)).toEqual(['GREETING']);
    expect(all('env-value').map((i) => i.value)).toEqual(['hi']);
    expect(all('secret-name').map((e) => e.textContent)).toEqual(['API_KEY', 'OLD_TOKEN']);
    expect(root.querySelectorAll('[data-test="secret-set"]').length).toBe(2);
    expect(root.querySelectorAll('input[type="password"]').length).toBe(0);
  });

  it('saves env as a whole and secrets as a patch: replaced, removed and added, leaving the rest untouched', () => {
    el('env-add').click();
    detect();
    type(all('env-name')[1], 'REGION');
    type(all('env-value')[1], 'eu');

    root.querySelector<HTMLButtonElement>('[data-name="API_KEY"] [data-test="secret-replace"]')!.click();
    detect();
    const replace = el('secret-replace-value') as HTMLInputElement;
    expect(replace.type).toBe('password');
    expect(replace.value).toBe('');
    type(replace, 'new-key');
    root.querySelector<HTMLButtonElement>('[data-name="OLD_TOKEN"] [data-test="secret-remove"]')!.click();
    el('secret-add').click();
    detect();
    type(all('secret-new-name')[0], 'DB_PASSWORD');
    type(all('secret-new-value')[0], 's3cret');
    el('env-save').click();

    expect(saved).toEqual([{ env: { GREETING: 'hi', REGION: 'eu' }, secrets: { OLD_TOKEN: null, API_KEY: 'new-key', DB_PASSWORD: 's3cret' } }]);
  });

  it('never renders a secret value back once the saved function comes back with the names', () => {
    el('secret-add').click();
    detect();
    type(all('secret-new-name')[0], 'DB_PASSWORD');
    type(all('secret-new-value')[0], 's3cret-value');
    el('env-save').click();
    expect(saved.length).toBe(1);
    // The backend answers the new version with the secret's name only.
    fixture.componentRef.setInput('secretNames', ['API_KEY', 'DB_PASSWORD', 'OLD_TOKEN']);
    detect();
    expect(all('secret-name').map((e) => e.textContent)).toEqual(['API_KEY', 'DB_PASSWORD', 'OLD_TOKEN']);
    expect(root.textContent).not.toContain('s3cret-value');
    expect(Array.from(root.querySelectorAll('input')).some((i) => i.value === 's3cret-value')).toBeFalse();
  });

  it('refuses a name a shell would not take, and a new secret without a value, without saving', () => {
    el('env-add').click();
    detect();
    type(all('env-name')[1], '1BAD');
    el('env-save').click();
    detect();
    expect(el('env-error')).not.toBeNull();
    expect(saved).toEqual([]);
  });
});
