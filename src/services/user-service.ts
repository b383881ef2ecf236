import type { Models } from '../models/index.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../utils/password.js';
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

export class UserService {
  readonly #adminEmails: Set<string>;

  /** @param adminEmails emails that get the admin role when they register */
  constructor(
    private readonly models: Pick<Models, 'User'>,
    adminEmails: string[] = [],
  ) {
    this.#adminEmails = new Set(adminEmails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  }

  async register(email: string, password: string): Promise<UserView> {
    const passwordHash = await hashPassword(password);
    const role = this.#adminEmails.has(email.trim().toLowerCase()) ? 'admin' : 'user';
    try {
      const user = await this.models.User.create({ email, passwordHash, role });
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
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok) throw new UnauthorizedError();
    return view(user);
  }

  async get(id: string): Promise<UserView> {
    const user = await this.models.User.findById(id).lean();
    if (!user) throw new NotFoundError('User');
    return view(user);
  }
}
