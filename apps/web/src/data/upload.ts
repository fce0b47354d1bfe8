import { API_REQUEST_HEADER, API_REQUEST_HEADER_VALUE } from '@retain/schemas';

export interface Uploaded {
  uploadId: string;
  name: string;
  size: number;
}

/**
 * Sends a file as the raw body of `POST /upload?name=…` (the API streams it to disk). XHR rather than
 * fetch because only XHR reports upload progress, which a 1 GB export needs.
 */
export function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/upload?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader(API_REQUEST_HEADER, API_REQUEST_HEADER_VALUE); // or the server refuses it
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = xhr.response as Partial<Uploaded> & { error?: string };
      if (xhr.status === 201 && body?.uploadId) resolve(body as Uploaded);
      else reject(new Error(body?.error ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload failed: the server could not be reached.'));
    xhr.onabort = () => reject(new Error('The upload was cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
