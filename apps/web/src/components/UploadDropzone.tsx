import { type DragEvent, useId, useRef, useState } from "react";

export interface UploadDropzoneProps {
  onFile: (file: File) => void;
  disabled?: boolean;
}

/** Drop a bank CSV here or pick one: the file goes to the server, which checks and imports it. */
export function UploadDropzone({ onFile, disabled = false }: UploadDropzoneProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (file && !disabled) onFile(file);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    take(event.dataTransfer.files);
  };

  return (
    <label
      htmlFor={inputId}
      className="dropzone"
      data-dragging={dragging ? "" : undefined}
      data-disabled={disabled ? "" : undefined}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" className="dropzone__icon">
        <path d="M12 16V4m0 0l-4 4m4-4l4 4M5 15v3a2 2 0 002 2h10a2 2 0 002-2v-3" />
      </svg>
      <span>
        Drop a bank CSV here, or <span className="dropzone__pick">choose a file</span>
      </span>
      <input
        ref={input}
        id={inputId}
        className="visually-hidden"
        type="file"
        accept=".csv,text/csv,text/plain"
        disabled={disabled}
        aria-label="Upload a bank CSV"
        onChange={(e) => {
          take(e.target.files);
          e.target.value = ""; // the same file can be chosen again
        }}
      />
    </label>
  );
}
