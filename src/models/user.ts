import { type Connection, type InferSchemaType, Schema } from 'mongoose';

export const USER_ROLES = ['user', 'admin'] as const;

const userSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: USER_ROLES, default: 'user', required: true },
  },
  { timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });

export type User = InferSchemaType<typeof userSchema>;

export function userModel(conn: Connection) {
  return conn.model('User', userSchema, 'users');
}
