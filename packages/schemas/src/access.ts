import { z } from 'zod';
import { ROLES } from './roles.ts';

export const roleSchema = z.enum(ROLES);

export const usernameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');

export const passwordSchema = z.string().min(10, 'at least 10 characters').max(200);
