import { IsoDate, ObjectIdString, Type } from '../common-schemas.js';

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['ada@example.com'] });

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Type.String({
      minLength: 12,
      maxLength: 256,
      description: '12 to 256 characters',
      examples: ['correct horse battery staple'],
    }),
  },
  { additionalProperties: false },
);

/** Any wrong pair gets the same 401, so login does not re-check the registration rules. */
export const LoginBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 256, examples: ['correct horse battery staple'] }),
  },
  { additionalProperties: false },
);

export const User = Type.Object({
  id: ObjectIdString,
  email: Type.String({ examples: ['ada@example.com'] }),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  createdAt: IsoDate,
});

export const AccessToken = Type.Object({
  accessToken: Type.String({ description: 'A JWT; send it as `Authorization: Bearer <accessToken>`' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the token expires', examples: [43200] }),
});
