/* global jest */
jest.setTimeout(60000);
