import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/** A row of radio buttons that looks like a segmented switch; arrow keys move between options. */
export function Segmented<T extends string>({
  legend,
  value,
  options,
  onChange,
}: {
  legend: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  const name = useId();
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="segmented">
        {options.map((o) => (
          <label key={o.value}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={o.value === value}
              onChange={() => onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  error,
  testId,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  /** Why the choice cannot stand, shown under the field and read out with it. */
  error?: string | undefined;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        data-testid={testId}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} error={error} testId={testId} />
    </div>
  );
}

/** A field's error under it, announced when it appears. */
function FieldError({
  id,
  error,
  testId,
}: {
  id: string;
  error: string | undefined;
  testId?: string | undefined;
}) {
  if (!error) return null;
  return (
    <p id={id} className="field-error" role="alert" data-testid={testId ? `${testId}-error` : undefined}>
      {error}
    </p>
  );
}

/**
 * A count typed in ("Calls we can make"), applied when the field is left or Enter is pressed and
 * passed on as typed: the page says beside the field what is wrong with 0 or −5, instead of the
 * field quietly dropping it. Empty means none.
 */
export function CountField({
  label,
  value,
  onChange,
  placeholder,
  error,
  testId,
}: {
  label: string;
  /** The count as text, as it is in the address. */
  value: string;
  onChange: (text: string) => void;
  placeholder?: string;
  error?: string | undefined;
  testId?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    if (text.trim() !== value) onChange(text.trim());
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        step={1}
        inputMode="numeric"
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        style={{ width: '8rem' }}
        data-testid={testId}
      />
      <FieldError id={`${id}-error`} error={error} testId={testId} />
    </div>
  );
}

/** A drop-down list of checkboxes; Escape closes it. */
export function MultiSelect({
  label,
  values,
  options,
  onChange,
  testId,
}: {
  label: string;
  values: readonly string[];
  options: readonly string[];
  onChange: (values: string[]) => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const labelId = useId();
  useEffect(() => {
    const close = (event: MouseEvent) => {
      if (ref.current?.open && !ref.current.contains(event.target as Node)) ref.current.open = false;
    };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, []);
  const summary =
    values.length === 0 ? 'All' : values.length <= 2 ? values.join(', ') : `${values.length} selected`;
  return (
    <div className="field">
      <span id={labelId}>{label}</span>
      <details
        className="multi"
        ref={ref}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && ref.current) {
            ref.current.open = false;
            ref.current.querySelector('summary')?.focus();
          }
        }}
      >
        <summary aria-describedby={labelId}>
          <span className="visually-hidden">{label}: </span>
          {summary}
        </summary>
        <fieldset className="multi-options">
          <legend className="visually-hidden">{label}</legend>
          {options.map((option) => (
            <label key={option}>
              <input
                type="checkbox"
                checked={values.includes(option)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...values, option] : values.filter((v) => v !== option))
                }
              />
              {option}
            </label>
          ))}
          {values.length > 0 ? (
            <button type="button" className="link" onClick={() => onChange([])}>
              Clear
            </button>
          ) : null}
        </fieldset>
      </details>
    </div>
  );
}

export function DateField({
  label,
  value,
  onChange,
  min,
  max,
  testId,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | null) => void;
  min?: string | undefined;
  max?: string | undefined;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value ?? ''}
        min={min}
        max={max}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid={testId}
      />
    </div>
  );
}

/**
 * A number typed in and applied when the field is left or Enter is pressed (not on every key, so
 * typing "250" is one change of the view, not three). Empty, or not a valid number, clears it.
 */
export function NumberField({
  label,
  value,
  onChange,
  min,
  integer = false,
  placeholder,
  testId,
}: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  min?: number;
  integer?: boolean;
  placeholder?: string;
  testId?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  const commit = () => {
    const n = Number(text);
    const valid =
      text.trim() !== '' &&
      Number.isFinite(n) &&
      (!integer || Number.isInteger(n)) &&
      (min === undefined || n >= min);
    const next = valid ? n : undefined;
    if (next !== value) onChange(next);
    else setText(value === undefined ? '' : String(value));
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        step={integer ? 1 : 'any'}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
        style={{ width: '8rem' }}
        data-testid={testId}
      />
    </div>
  );
}

/** The page's title (its only h1, labelled `page-title` for the page's section), intro and actions. */
export function PageHeader({
  title,
  children,
  actions,
}: {
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1 id="page-title">{title}</h1>
        {children}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}
