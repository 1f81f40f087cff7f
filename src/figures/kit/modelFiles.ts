/** A trained model as files, as the worker hands it to the page (kit/ModelDownload.svelte offers them). */
export interface ModelFiles {
  files: { name: string; bytes: ArrayBuffer }[];
  /** What was written, in a sentence (which network, after how many epochs). */
  note: string;
}
