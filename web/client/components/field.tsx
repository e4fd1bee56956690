type FieldProps = {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  multiline?: boolean;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  maxLength?: number;
  required?: boolean;
};

/**
 * A labelled input whose problem, when the service names this field, is shown beside it and read
 * out with it (`aria-describedby`, `aria-invalid`).
 */
export function Field({ id, label, value, onInput, error, hint, multiline, type = "text", autoComplete, maxLength, required }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: id,
    value,
    "aria-invalid": error ? ("true" as const) : undefined,
    "aria-describedby": describedBy,
    maxLength,
    required,
  };
  return (
    <div class={`field${error ? " field-invalid" : ""}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {multiline ? (
        <textarea {...common} rows={8} onInput={(e) => onInput(e.currentTarget.value)} />
      ) : (
        <input {...common} type={type} autoComplete={autoComplete} onInput={(e) => onInput(e.currentTarget.value)} />
      )}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
