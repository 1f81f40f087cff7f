/** The worker's requests about the reader's own models (src/compute/user-models.ts answers them). No TensorFlow.js here. */
import { defineRequest } from './protocol.ts';
import type { UserModelInspection } from '../lib/models/user-model.ts';

/** Loads, inspects and checks the files; kept on this device under `name` when they make a model the site can use. */
export interface AddUserModelRequest {
  name: string;
  files: { name: string; bytes: ArrayBuffer }[];
  /** Replace a model of the same name (otherwise that is refused). */
  replace: boolean;
}

export interface AddUserModelResult {
  name: string;
  inspection: UserModelInspection;
}

export const addUserModel = defineRequest<AddUserModelRequest, AddUserModelResult>('addUserModel');
