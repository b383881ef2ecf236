import type { Models } from '../models/index.js';
import { PasswordHasher, verifyPassword } from '../utils/password.js';
import { ConflictError, NotFoundError, UnauthorizedError } from './errors.js';

export interface UserView {
  id: string;
  email: string;
  role: 'user' | 'admin';
  createdAt: Date;
}

type UserDoc = { _id: { toHexString(): string }; email: string; role: string; createdAt: Date };

function view(u: UserDoc): UserView {
  return { id: u._id.toHexString(), email: u.email, role: u.role as UserView['role'], createdAt: u.createdAt };
}

/**
 * Users and their roles. Registration always makes a plain user (emails are not verified, so an
 * email cannot be trusted with a role); admins are made with `npm run admin -- promote <email>`.
 */
export class UserService {
  constructor(
    private readonly models: Pick<Models, 'User'>,
    private readonly passwords: PasswordHasher = new PasswordHasher(),
  ) {}

  async register(email: string, password: string): Promise<UserView> {
    const passwordHash = await this.passwords.hash(password);
    try {
      const user = await this.models.User.create({ email, passwordHash, role: 'user' });
      return view(user);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) {
        throw new ConflictError('EMAIL_TAKEN', 'An account with this email already exists');
      }
      throw err;
    }
  }

  /** One answer for every wrong pair, and the same cost whether or not the email exists. */
  async authenticate(email: string, password: string): Promise<UserView> {
    const user = await this.models.User.findOne({ email: email.trim().toLowerCase() }).lean();
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.passwords.dummyHash()));
    if (!user || !ok) throw new UnauthorizedError();
    return view(user);
  }

  /** Gives the user with this email `role`; `NotFoundError` when there is none. */
  async setRole(email: string, role: UserView['role']): Promise<UserView> {
    const user = await this.models.User.findOneAndUpdate(
      { email: email.trim().toLowerCase() },
      { $set: { role } },
      { returnDocument: 'after' },
    ).lean();
    if (!user) throw new NotFoundError('User');
    return view(user);
  }

  async get(id: string): Promise<UserView> {
    const user = await this.models.User.findById(id).lean();
    if (!user) throw new NotFoundError('User');
    return view(user);
  }
}
