import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { FormControl } from '@angular/forms';
import { providePluginTesting } from '../../testing/plugin-testing';
import { AUTOSCALE_URL } from '../../testing/autoscale-testing';
import { AutoscaleService } from './autoscale.service';
import { VropsGroupPickerComponent } from './vrops-group-picker.component';

const GROUPS = `${AUTOSCALE_URL}/catalog/vrops-groups`;

describe('VropsGroupPickerComponent', () => {
  let fixture: ComponentFixture<VropsGroupPickerComponent>;
  let http: HttpTestingController;
  let control: FormControl<string>;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const el = <T extends HTMLElement>(test: string) => page().querySelector(`[data-test="${test}"]`) as T | null;

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [VropsGroupPickerComponent], providers: [...providePluginTesting(), AutoscaleService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(VropsGroupPickerComponent);
    control = new FormControl('', { nonNullable: true });
    fixture.componentRef.setInput('control', control);
    fixture.detectChanges();
  });
  afterEach(() => http.verify());

  it('offers the org groups with their member counts, and none', () => {
    http.expectOne(GROUPS).flush({ configured: true, items: [{ id: 'g-1', name: 'web', members: 2 }] });
    fixture.detectChanges();
    const options = Array.from(page().querySelectorAll("[data-test=\"pick-vrops-group\"] option")).map((o) => o.textContent?.trim());
    expect(options).toEqual(['None: do not keep the VMs in a vROps group', 'web — 2 members']);
  });

  it('shows nothing when the provider has configured no vROps', () => {
    http.expectOne(GROUPS).flush({ configured: false, items: [] });
    fixture.detectChanges();
    expect(el('pick-vrops-group')).toBeNull();
  });

  it('creates a group and picks it, and names the field when the name is taken', () => {
    http.expectOne(GROUPS).flush({ configured: true, items: [] });
    fixture.detectChanges();
    const input = el<HTMLInputElement>('new-vrops-group')!;
    input.value = 'api';
    input.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    el<HTMLButtonElement>('create-vrops-group')!.click();
    const req = http.expectOne(GROUPS);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ name: 'api' });
    req.flush({ id: 'g-2', name: 'api', members: 0 });
    fixture.detectChanges();
    expect(control.value).toBe('g-2');

    input.value = 'api';
    input.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    el<HTMLButtonElement>('create-vrops-group')!.click();
    http.expectOne(GROUPS).flush(
      { type: 'about:blank', title: 'Conflict', status: 409, detail: 'a vROps group named "api" exists', errors: [{ path: 'name', message: 'is taken' }] },
      { status: 409, statusText: 'Conflict' },
    );
    fixture.detectChanges();
    expect(el('vrops-group-error')?.textContent).toContain('name: is taken');
  });
});
